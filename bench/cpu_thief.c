/* Takes one CPU away in bursts, as a hypervisor stealing a vCPU does: spins ON ms,
 * sleeps OFF ms, forever. Used to compare parallel loop runners under steal:
 *   gcc -O2 -o /tmp/cpu_thief bench/cpu_thief.c
 *   chrt -f 50 taskset -c 1 /tmp/cpu_thief 1 2 &   # CPU 1 lost 1 ms of every 3
 *   OMP_NUM_THREADS=2 ./model --input x.npy --output y.npy --bench 100   # median_ms
 * (at real-time priority the spin preempts whatever runs on that CPU; the kernel
 * still leaves 5% of each second to others.) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ON_MS OFF_MS\n", argv[0]);
    return 2;
  }
  double on = atof(argv[1]), off = atof(argv[2]);
  for (;;) {
    double start = now_ms();
    while (now_ms() - start < on) {
    }
    usleep((useconds_t)(off * 1000));
  }
}
