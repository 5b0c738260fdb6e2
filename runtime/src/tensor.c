#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct kconv_tensor {
  int rank;
  int64_t shape[KCONV_MAX_RANK];
  int64_t num_elements;
  float *data;
  int owns_data; /* 0 for kconv_tensor_wrap: the caller's memory, never freed here */
};

/* Checks rank and dimensions and counts the elements (shared by create and wrap). */
static kconv_status check_shape(const char *function, int rank, const int64_t *shape,
                                int64_t *count) {
  if (rank > 0 && !shape)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "%s: NULL argument", function);
  if (rank < 0 || rank > KCONV_MAX_RANK)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "tensor rank %d is outside [0, %d]", rank,
                      KCONV_MAX_RANK);
  *count = 1;
  for (int i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return kconv_fail(KCONV_ERROR_ARGUMENT, "tensor dimension %d is negative (%lld)", i,
                        (long long)shape[i]);
    if (kconv_mul_overflows(*count, shape[i], count))
      return kconv_fail(KCONV_ERROR_MEMORY, "tensor element count overflows 64 bits");
  }
  int64_t bytes;
  if (kconv_mul_overflows(*count, (int64_t)sizeof(float), &bytes) ||
      (uint64_t)bytes > SIZE_MAX / 2)
    return kconv_fail(KCONV_ERROR_MEMORY, "tensor of %lld elements is too large",
                      (long long)*count);
  return KCONV_OK;
}

/* The arguments create and wrap share: `out` (cleared), rank and dimensions. */
static kconv_status check_arguments(const char *function, int rank, const int64_t *shape,
                                    kconv_tensor **out, int64_t *count) {
  if (!out)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "%s: NULL argument", function);
  *out = NULL;
  return check_shape(function, rank, shape, count);
}

/* A handle of the given shape without data, or NULL when out of memory. */
static kconv_tensor *new_handle(int rank, const int64_t *shape, int64_t count) {
  kconv_tensor *tensor = calloc(1, sizeof *tensor);
  if (!tensor)
    return NULL;
  tensor->rank = rank;
  for (int i = 0; i < rank; ++i)
    tensor->shape[i] = shape[i];
  tensor->num_elements = count;
  return tensor;
}

kconv_status kconv_tensor_create(int rank, const int64_t *shape, kconv_tensor **out) {
  int64_t count;
  kconv_status status = check_arguments("kconv_tensor_create", rank, shape, out, &count);
  if (status != KCONV_OK)
    return status;
  int64_t bytes = count * (int64_t)sizeof(float);
  kconv_tensor *tensor = new_handle(rank, shape, count);
  if (!tensor)
    return kconv_fail(KCONV_ERROR_MEMORY, "out of memory allocating a tensor");
  /* Round up to the alignment so aligned_alloc's size contract holds; never 0 bytes. */
  size_t padded = ((size_t)bytes + 63) / 64 * 64;
  tensor->data = aligned_alloc(64, padded ? padded : 64);
  if (!tensor->data) {
    free(tensor);
    return kconv_fail(KCONV_ERROR_MEMORY, "out of memory allocating %lld bytes",
                      (long long)bytes);
  }
  memset(tensor->data, 0, padded ? padded : 64);
  tensor->owns_data = 1;
  *out = tensor;
  return KCONV_OK;
}

kconv_status kconv_tensor_wrap(int rank, const int64_t *shape, float *data, kconv_tensor **out) {
  int64_t count;
  kconv_status status = check_arguments("kconv_tensor_wrap", rank, shape, out, &count);
  if (status != KCONV_OK)
    return status;
  if (!data && count > 0)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_tensor_wrap: NULL data for %lld elements",
                      (long long)count);
  kconv_tensor *tensor = new_handle(rank, shape, count);
  if (!tensor)
    return kconv_fail(KCONV_ERROR_MEMORY, "out of memory allocating a tensor");
  tensor->data = data;
  tensor->owns_data = 0;
  *out = tensor;
  return KCONV_OK;
}

void kconv_tensor_destroy(kconv_tensor *tensor) {
  if (!tensor)
    return;
  if (tensor->owns_data)
    free(tensor->data);
  free(tensor);
}

int kconv_tensor_rank(const kconv_tensor *tensor) { return tensor ? tensor->rank : 0; }
const int64_t *kconv_tensor_shape(const kconv_tensor *tensor) {
  return tensor ? tensor->shape : NULL;
}
int64_t kconv_tensor_num_elements(const kconv_tensor *tensor) {
  return tensor ? tensor->num_elements : 0;
}
float *kconv_tensor_data(kconv_tensor *tensor) { return tensor ? tensor->data : NULL; }
const float *kconv_tensor_const_data(const kconv_tensor *tensor) {
  return tensor ? tensor->data : NULL;
}
