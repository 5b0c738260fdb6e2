/* Calls a model's pipeline function directly, compiled whole (whole_pipeline) and split
 * (split_pipeline, a C top level calling one pipeline per stored result), with good and
 * bad buffers: the same error codes and messages, the same outputs (split-top-level.test).
 * The model: examples/digits, input (N, 8, 8, 1), output (N, 10). */
#include <HalideRuntime.h>
#include <stdio.h>
#include <string.h>

extern int whole_pipeline(halide_buffer_t *, halide_buffer_t *);
extern int split_pipeline(halide_buffer_t *, halide_buffer_t *);

/* The kconv runtime's halide_error keeps the message as the last error. */
const char *kconv_last_error(void);

static float in[2 * 8 * 8], out[2 * 10];
static halide_dimension_t in_dim[4], out_dim[2];
static halide_buffer_t in_buf, out_buf;

static void reset(void) {
  /* Halide's order: channels, columns, rows, batch 2. */
  int32_t in_ext[4] = {1, 8, 8, 2}, stride = 1;
  for (int d = 0; d < 4; ++d) {
    in_dim[d] = (halide_dimension_t){0, in_ext[d], stride, 0};
    stride *= in_ext[d];
  }
  out_dim[0] = (halide_dimension_t){0, 10, 1, 0};
  out_dim[1] = (halide_dimension_t){0, 2, 10, 0};
  in_buf = (halide_buffer_t){0};
  in_buf.host = (uint8_t *)in;
  in_buf.type = (struct halide_type_t){halide_type_float, 32, 1};
  in_buf.dimensions = 4;
  in_buf.dim = in_dim;
  out_buf = in_buf;
  out_buf.host = (uint8_t *)out;
  out_buf.dimensions = 2;
  out_buf.dim = out_dim;
}

static void call(const char *what, int (*f)(halide_buffer_t *, halide_buffer_t *),
                 const char *name, int null_input) {
  int r = f(null_input ? NULL : &in_buf, &out_buf);
  printf("%s %s: %d (%s)\n", name, what, r, r ? kconv_last_error() : "");
  if (!null_input && !in_buf.host)
    printf("%s query answer: extent.1 %d stride.2 %d extent.3 %d\n", name, in_dim[1].extent,
           in_dim[2].stride, in_dim[3].extent);
}

#define CASE(what, change, null_input)                                                     \
  for (int k = 0; k < 2; ++k) {                                                            \
    reset();                                                                               \
    change;                                                                                \
    call(what, k ? split_pipeline : whole_pipeline, k ? "split" : "whole", null_input);    \
  }

int main(void) {
  for (int i = 0; i < 2 * 8 * 8; ++i)
    in[i] = (float)((i * 37) % 11) / 11.0f;
  float whole[20];
  CASE("ok", , 0);
  memcpy(whole, out, sizeof whole);
  CASE("ok", , 0);
  printf("same outputs: %s\n", memcmp(whole, out, sizeof whole) ? "no" : "yes");
  CASE("null input", , 1);
  CASE("wrong type", in_buf.type.bits = 16, 0);
  CASE("wrong rank", in_buf.dimensions = 3, 0);
  CASE("wrong extent", in_dim[1].extent = 7, 0);
  CASE("wrong stride", in_dim[2].stride = 9, 0);
  CASE("output wrong extent", out_dim[0].extent = 9, 0);
  CASE("input batch too small", in_dim[3].extent = 1, 0);
  /* An input without memory: the pipeline says the shape it needs and computes nothing. */
  CASE("bounds query", (in_buf.host = NULL, in_dim[1].extent = 0, in_dim[2].stride = 0), 0);
  return 0;
}
