/* Runs the first_conv example, compiled for an OpenCL target, on buffers whose data is
 * on the device only (kconv_model_run_buffers): the input is copied to the device and
 * its host pointer dropped before the call, the output is read back after it. */
#include "first.h"

#include <HalideRuntime.h>
#include <HalideRuntimeOpenCL.h>

#include <stdio.h>
#include <string.h>

static halide_buffer_t describe(float *data, halide_dimension_t *dims, int c, int w, int h,
                                int n) {
  halide_dimension_t d[4] = {{0, c, 1, 0}, {0, w, c, 0}, {0, h, c * w, 0}, {0, n, c * w * h, 0}};
  memcpy(dims, d, sizeof d);
  halide_buffer_t b;
  memset(&b, 0, sizeof b);
  b.host = (uint8_t *)data;
  b.type.code = halide_type_float;
  b.type.bits = 32;
  b.type.lanes = 1;
  b.dimensions = 4;
  b.dim = dims;
  return b;
}

int main(void) {
  const struct halide_device_interface_t *opencl = halide_opencl_device_interface();
  float x[18], y[8] = {0};
  for (int i = 0; i < 18; ++i)
    x[i] = (float)i;
  halide_dimension_t in_dims[4], out_dims[4];
  halide_buffer_t in = describe(x, in_dims, 1, 3, 3, 2);
  halide_buffer_t out = describe(NULL, out_dims, 1, 2, 2, 2);
  in.flags = halide_buffer_flag_host_dirty;
  if (halide_copy_to_device(NULL, &in, opencl) != 0 ||
      halide_device_malloc(NULL, &out, opencl) != 0) {
    fprintf(stderr, "error: cannot place the buffers on the device\n");
    return 1;
  }
  /* The input now lives on the device only: the pipeline must read it there. */
  in.host = NULL;
  memset(x, 0, sizeof x);
  halide_buffer_t *buffers[2] = {&in, &out};
  if (kconv_model_run_buffers(&first_model, buffers) != KCONV_OK) {
    fprintf(stderr, "error: %s\n", kconv_last_error());
    return 1;
  }
  printf("output on the device: %s\n", out.device && (out.flags & halide_buffer_flag_device_dirty)
                                           ? "yes"
                                           : "no");
  out.host = (uint8_t *)y;
  if (halide_copy_to_host(NULL, &out) != 0)
    return 1;
  printf("batch 2: %g %g %g %g | %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]);
  /* A buffer of the wrong shape is refused before the pipeline runs. */
  out_dims[3].extent = 3;
  if (kconv_model_run_buffers(&first_model, buffers) == KCONV_OK)
    return 1;
  printf("refused: %s\n", kconv_last_error());
  halide_device_free(NULL, &in);
  halide_device_free(NULL, &out);
  return 0;
}
