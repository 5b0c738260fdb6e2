#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[1024];

const char *kconv_status_name(kconv_status status) {
  switch (status) {
  case KCONV_OK: return "ok";
  case KCONV_ERROR_IO: return "I/O error";
  case KCONV_ERROR_FORMAT: return "malformed file";
  case KCONV_ERROR_DTYPE: return "wrong element type";
  case KCONV_ERROR_SHAPE: return "shape mismatch";
  case KCONV_ERROR_ARGUMENT: return "invalid argument";
  case KCONV_ERROR_MEMORY: return "out of memory";
  case KCONV_ERROR_PIPELINE: return "pipeline error";
  }
  return "unknown status";
}

const char *kconv_last_error(void) { return last_error; }

kconv_status kconv_fail(kconv_status status, const char *format, ...) {
  char message[sizeof last_error];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  /* Model, layer and input names come from the Keras file: a message stays one line. */
  kconv_printable(message, last_error, sizeof last_error);
  return status;
}

const char *kconv_printable(const char *text, char *buffer, size_t size) {
  static const char hex[] = "0123456789abcdef";
  size_t used = 0;
  for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; ++c) {
    int control = *c < 0x20 || *c == 0x7f;
    if (used + (control ? 4 : 1) >= size)
      break;
    if (control) {
      buffer[used++] = '\\';
      buffer[used++] = 'x';
      buffer[used++] = hex[*c >> 4];
      buffer[used++] = hex[*c & 15];
    } else {
      buffer[used++] = (char)*c;
    }
  }
  if (size)
    buffer[used] = 0;
  return buffer;
}

const char *kconv_format_shape(int rank, const int64_t *shape, char *buffer, size_t size) {
  size_t used = 0;
  used += (size_t)snprintf(buffer, size, "(");
  for (int i = 0; i < rank && used < size; ++i) {
    if (shape[i] < 0)
      used += (size_t)snprintf(buffer + used, size - used, "%s?", i ? ", " : "");
    else
      used += (size_t)snprintf(buffer + used, size - used, "%s%lld", i ? ", " : "",
                               (long long)shape[i]);
  }
  if (used < size)
    snprintf(buffer + used, size - used, rank == 1 ? ",)" : ")");
  return buffer;
}

int kconv_mul_overflows(int64_t a, int64_t b, int64_t *out) {
  if (a < 0 || b < 0)
    return 1;
  return __builtin_mul_overflow(a, b, out);
}
