/* The command-line driver linked into executables made by `kconvc --emit=exe`. */
#include "internal.h"
#include "prepared_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void print_usage(const kconv_model *model, const char *prog, FILE *out) {
  char name[512];
  fprintf(out,
          "usage: %s --input X.npy ... --output Y.npy ... [--bench N] [--threads N]\n"
          "Runs the compiled Keras model '%s' on float32 .npy tensors (batch first, in the "
          "model's own data_format).\n",
          prog, kconv_printable(model->name, name, sizeof name));
  char shape[256];
  for (int i = 0; i < model->num_inputs; ++i)
    fprintf(out, "  --input  #%d '%s' %s %s\n", i + 1,
            kconv_printable(model->inputs[i].name, name, sizeof name),
            kconv_format_shape(model->inputs[i].rank, model->inputs[i].shape, shape, sizeof shape),
            model->inputs[i].data_format);
  for (int i = 0; i < model->num_outputs; ++i)
    fprintf(out, "  --output #%d '%s' %s %s\n", i + 1,
            kconv_printable(model->outputs[i].name, name, sizeof name),
            kconv_format_shape(model->outputs[i].rank, model->outputs[i].shape, shape,
                               sizeof shape),
            model->outputs[i].data_format);
  fprintf(out, "  --bench N    run N timed iterations after warm-up; the last line printed is "
               "median_ms=<float>\n"
               "               (a GPU model's with the data kept on the device; "
               "host_to_host_ms=<float>\n"
               "               times calls that copy it in and out)\n"
               "  --threads N  worker threads (default: OMP_NUM_THREADS, else all cores;\n"
               "               at most the cores this process may use)\n");
  if (model->kconv_version && model->target)
    fprintf(out, "Compiled by kconv %s for the Halide target %s.\n",
            kconv_printable(model->kconv_version, name, sizeof name),
            kconv_printable(model->target, shape, sizeof shape));
}

static int parse_count(const char *text, long *value) {
  char *end;
  *value = strtol(text, &end, 10);
  return *text && !*end && *value > 0 && *value <= 1000000;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct options {
  const char *inputs[64];
  const char *outputs[64];
  int num_inputs, num_outputs;
  long bench, threads;
} options;

/* Returns -1 to continue, else the exit code. */
static int parse_args(const kconv_model *model, int argc, char **argv, options *opt) {
  const char *prog = argv[0];
  memset(opt, 0, sizeof *opt);
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
      print_usage(model, prog, stdout);
      return 0;
    }
    int takes_value = !strcmp(arg, "--input") || !strcmp(arg, "--output") ||
                      !strcmp(arg, "--bench") || !strcmp(arg, "--threads");
    if (!takes_value) {
      fprintf(stderr, "%s: error: unknown argument '%s' (see --help)\n", prog, arg);
      return 2;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "%s: error: %s needs a value\n", prog, arg);
      return 2;
    }
    const char *value = argv[++i];
    if (!strcmp(arg, "--input") && opt->num_inputs < 64) {
      opt->inputs[opt->num_inputs++] = value;
    } else if (!strcmp(arg, "--output") && opt->num_outputs < 64) {
      opt->outputs[opt->num_outputs++] = value;
    } else if (!strcmp(arg, "--bench") || !strcmp(arg, "--threads")) {
      long *slot = arg[2] == 'b' ? &opt->bench : &opt->threads;
      if (!parse_count(value, slot)) {
        fprintf(stderr, "%s: error: %s needs a positive integer, got '%s'\n", prog, arg, value);
        return 2;
      }
    }
  }
  if (opt->num_inputs != model->num_inputs) {
    char name[512];
    fprintf(stderr, "%s: error: model '%s' takes %d --input file(s), %d given\n", prog,
            kconv_printable(model->name, name, sizeof name), model->num_inputs, opt->num_inputs);
    return 2;
  }
  if (opt->num_outputs != model->num_outputs && !(opt->bench && opt->num_outputs == 0)) {
    char name[512];
    fprintf(stderr, "%s: error: model '%s' produces %d --output file(s), %d given\n", prog,
            kconv_printable(model->name, name, sizeof name), model->num_outputs, opt->num_outputs);
    return 2;
  }
  return -1;
}

/* Whether two paths name one file: the same path, or the same device and inode. */
static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (!strcmp(a, b))
    return 1;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/* Refuses an --output that is one of the --input files or another --output (a device
 * such as /dev/null may be named more than once). */
static int check_outputs(const char *prog, const options *opt) {
  for (int i = 0; i < opt->num_outputs; ++i) {
    struct stat st;
    if (stat(opt->outputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      fprintf(stderr, "%s: error: --output '%s' is a directory\n", prog, opt->outputs[i]);
      return 2;
    }
    if (stat(opt->outputs[i], &st) == 0 && !S_ISREG(st.st_mode))
      continue;
    for (int j = 0; j < opt->num_inputs; ++j)
      if (same_file(opt->outputs[i], opt->inputs[j])) {
        fprintf(stderr, "%s: error: --output '%s' is the --input '%s'; refusing to overwrite it\n",
                prog, opt->outputs[i], opt->inputs[j]);
        return 2;
      }
    for (int j = 0; j < i; ++j)
      if (same_file(opt->outputs[i], opt->outputs[j])) {
        fprintf(stderr, "%s: error: --output '%s' is named twice (also as '%s')\n", prog,
                opt->outputs[i], opt->outputs[j]);
        return 2;
      }
  }
  return -1;
}

/* One timed call of the model. */
typedef kconv_status (*run_fn)(void *context);
typedef struct {
  const kconv_model *model;
  kconv_tensor **inputs, **outputs;
} whole_run;
static kconv_status run_whole(void *context) {
  whole_run *w = context;
  return kconv_model_run(w->model, w->inputs, w->outputs);
}
static kconv_status run_prepared(void *context) { return kconv_run_again(context); }

/* Times `iterations` calls after a warm-up: `times` sorted, the median returned in
 * *median, the buffer cache's counts across the timed calls in *before and *after. */
static kconv_status time_runs(run_fn run, void *context, long iterations, double *times,
                              double *median, kconv_buffer_stats *before,
                              kconv_buffer_stats *after) {
  long warmup = iterations < 10 ? 2 : 5;
  kconv_status status = KCONV_OK;
  for (long i = 0; status == KCONV_OK && i < warmup; ++i)
    status = run(context);
  kconv_get_buffer_stats(before);
  for (long i = 0; status == KCONV_OK && i < iterations; ++i) {
    double start = now_ms();
    status = run(context);
    times[i] = now_ms() - start;
  }
  kconv_get_buffer_stats(after);
  if (status != KCONV_OK)
    return status;
  qsort(times, (size_t)iterations, sizeof(double), compare_double);
  *median = iterations % 2 ? times[iterations / 2]
                           : 0.5 * (times[iterations / 2 - 1] + times[iterations / 2]);
  return KCONV_OK;
}

static int run_bench(const kconv_model *model, kconv_tensor **inputs, kconv_tensor **outputs,
                     long iterations) {
  double *times = malloc(sizeof(double) * (size_t)iterations);
  kconv_prepared_run *prepared = malloc(sizeof *prepared);
  if (!times || !prepared) {
    free(times);
    free(prepared);
    return 1;
  }
  whole_run whole = {model, inputs, outputs};
  int gpu = kconv_model_on_gpu(model);
  double median = 0, host_median = 0;
  kconv_buffer_stats before, after;
  kconv_status status = KCONV_OK;
  prepared->model = NULL;
  if (gpu) {
    /* On a GPU: the calls as a caller with host tensors makes them (copies in and out),
     * then with the data kept on the device, as the median. */
    long host_runs = iterations < 10 ? iterations : 10;
    status = time_runs(run_whole, &whole, host_runs, times, &host_median, &before, &after);
    if (status == KCONV_OK)
      status = kconv_run_prepare(model, inputs, outputs, prepared);
  }
  if (status == KCONV_OK)
    status = gpu ? time_runs(run_prepared, prepared, iterations, times, &median, &before, &after)
                 : time_runs(run_whole, &whole, iterations, times, &median, &before, &after);
  if (prepared->model) {
    kconv_status finished = kconv_run_finish(prepared);
    status = status == KCONV_OK ? finished : status;
  }
  free(prepared);
  if (status != KCONV_OK) {
    free(times);
    return 1;
  }
  /* Large buffers the timed runs took from the system rather than from the previous
   * runs' (none, once warm, unless threads race for the kept ones). */
  printf("fresh_buffers=%llu\nreused_buffers=%llu\n",
         (unsigned long long)(after.fresh_allocations - before.fresh_allocations),
         (unsigned long long)(after.reused_allocations - before.reused_allocations));
  if (gpu)
    printf("gpu=%s\nhost_to_host_ms=%.6f\ndata=device\n", model->target, host_median);
  else
    printf("threads=%d\n", kconv_get_num_threads());
  printf("iterations=%ld\nmin_ms=%.6f\nmax_ms=%.6f\nmedian_ms=%.6f\n", iterations, times[0],
         times[iterations - 1], median);
  free(times);
  return 0;
}

int kconv_main(const kconv_model *model, int argc, char **argv) {
  options opt;
  int code = parse_args(model, argc, argv, &opt);
  if (code < 0)
    code = check_outputs(argv[0], &opt);
  if (code >= 0)
    return code;
  if (opt.threads)
    kconv_set_num_threads((int)opt.threads);

  kconv_tensor *inputs[64] = {0}, *outputs[64] = {0};
  kconv_status status = KCONV_OK;
  for (int i = 0; status == KCONV_OK && i < model->num_inputs; ++i) {
    status = kconv_npy_read(opt.inputs[i], &inputs[i]);
    if (status == KCONV_OK)
      status = kconv_model_check_input(model, i, inputs[i], opt.inputs[i]);
  }
  if (status == KCONV_OK)
    status = kconv_model_create_outputs(model, inputs, outputs);
  if (status == KCONV_OK)
    status = kconv_model_run(model, inputs, outputs);
  /* Every output is written to a temporary file before any is placed: a failure leaves
   * all of them untouched. */
  kconv_npy_staged staged[64];
  int num_staged = 0;
  for (; status == KCONV_OK && num_staged < opt.num_outputs; ++num_staged)
    status = kconv_npy_stage(opt.outputs[num_staged], outputs[num_staged], &staged[num_staged]);
  if (status != KCONV_OK)
    --num_staged; /* the failed one released itself */
  for (int i = 0; i < num_staged; ++i) {
    if (status == KCONV_OK)
      status = kconv_npy_commit(&staged[i]);
    else
      kconv_npy_discard(&staged[i]);
  }
  code = 0;
  if (status != KCONV_OK) {
    fprintf(stderr, "%s: error: %s\n", argv[0], kconv_last_error());
    code = 1;
  } else if (opt.bench) {
    code = run_bench(model, inputs, outputs, opt.bench);
    if (code)
      fprintf(stderr, "%s: error: %s\n", argv[0], kconv_last_error());
  }
  for (int i = 0; i < 64; ++i) {
    kconv_tensor_destroy(inputs[i]);
    kconv_tensor_destroy(outputs[i]);
  }
  return code;
}
