/* float32 .npy reading and writing (NumPy format versions 1.0, 2.0, 3.0). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kMagicSize = 6, kMaxHeaderSize = 1 << 20 };
static const char kMagic[kMagicSize] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

static int host_is_little_endian(void) {
  const uint16_t probe = 1;
  return *(const uint8_t *)&probe == 1;
}

/* Finds `'key':` in the header dict and returns the first non-space after the colon. */
static const char *find_value(const char *header, const char *key) {
  char quoted[32];
  snprintf(quoted, sizeof quoted, "'%s'", key);
  const char *at = strstr(header, quoted);
  if (!at)
    return NULL;
  at += strlen(quoted);
  while (*at == ' ')
    ++at;
  if (*at != ':')
    return NULL;
  ++at;
  while (*at == ' ')
    ++at;
  return at;
}

static kconv_status parse_shape(const char *value, const char *name, int *rank, int64_t *shape) {
  if (*value != '(')
    return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy header 'shape' is not a tuple", name);
  ++value;
  *rank = 0;
  for (;;) {
    while (*value == ' ')
      ++value;
    if (*value == ')')
      return KCONV_OK;
    if (*value < '0' || *value > '9')
      return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy header 'shape' has a non-integer entry",
                        name);
    if (*rank == KCONV_MAX_RANK)
      return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy rank exceeds %d", name, KCONV_MAX_RANK);
    int64_t dim = 0;
    while (*value >= '0' && *value <= '9') {
      if (kconv_mul_overflows(dim, 10, &dim) || __builtin_add_overflow(dim, *value - '0', &dim))
        return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy dimension overflows 64 bits", name);
      ++value;
    }
    shape[(*rank)++] = dim;
    while (*value == ' ')
      ++value;
    if (*value == ',')
      ++value;
    else if (*value != ')')
      return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy header 'shape' is malformed", name);
  }
}

/* An integer .npy dtype ('<i8', '|u1', ...): element size and signedness. */
typedef struct {
  int bytes;
  int is_signed;
} integer_dtype;

static int parse_integer_dtype(const char *descr, integer_dtype *out) {
  if (strlen(descr) < 5 || descr[0] != '\'' || descr[4] != '\'' ||
      (descr[1] != '<' && descr[1] != '>' && descr[1] != '|') ||
      (descr[2] != 'i' && descr[2] != 'u') ||
      (descr[3] != '1' && descr[3] != '2' && descr[3] != '4' && descr[3] != '8'))
    return 0;
  out->bytes = descr[3] - '0';
  out->is_signed = descr[2] == 'i';
  return 1;
}

/* Integers (Embedding indices, say) become float32 values, which hold every integer
 * exactly only up to 2^24 in magnitude: a larger one is refused rather than rounded. */
static kconv_status convert_integers(const uint8_t *src, int64_t count, integer_dtype dtype,
                                     int file_little, float *dst, const char *name) {
  const uint64_t exact = (uint64_t)1 << 24;
  const int n = dtype.bytes;
  for (int64_t i = 0; i < count; ++i, src += n) {
    uint64_t bits = 0;
    for (int k = 0; k < n; ++k)
      bits |= (uint64_t)src[file_little ? k : n - 1 - k] << (8 * k);
    int negative = dtype.is_signed && ((bits >> (8 * n - 1)) & 1);
    /* Two's complement magnitude of a negative n-byte integer. */
    uint64_t magnitude = !negative ? bits : n == 8 ? ~bits + 1 : ((uint64_t)1 << (8 * n)) - bits;
    if (magnitude > exact)
      return kconv_fail(KCONV_ERROR_DTYPE,
                        "%s: element %lld is an integer of magnitude above 2^24, which "
                        "float32 cannot hold exactly",
                        name, (long long)i);
    dst[i] = negative ? -(float)magnitude : (float)magnitude;
  }
  return KCONV_OK;
}

kconv_status kconv_npy_parse(const void *bytes, size_t size, const char *name, kconv_tensor **out) {
  if (!bytes || !out)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_npy_parse: NULL argument");
  if (!name)
    name = "<memory>";
  *out = NULL;
  const uint8_t *data = bytes;
  if (size < kMagicSize + 2 || memcmp(data, kMagic, kMagicSize) != 0)
    return kconv_fail(KCONV_ERROR_FORMAT, "%s: not a .npy file (bad magic)", name);
  uint8_t major = data[6];
  size_t header_len, preamble;
  if (major == 1) {
    if (size < 10)
      return kconv_fail(KCONV_ERROR_FORMAT, "%s: truncated .npy preamble", name);
    header_len = (size_t)data[8] | (size_t)data[9] << 8;
    preamble = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return kconv_fail(KCONV_ERROR_FORMAT, "%s: truncated .npy preamble", name);
    header_len = (size_t)data[8] | (size_t)data[9] << 8 | (size_t)data[10] << 16 |
                 (size_t)data[11] << 24;
    preamble = 12;
  } else {
    return kconv_fail(KCONV_ERROR_FORMAT, "%s: unsupported .npy format version %u", name, major);
  }
  if (header_len > kMaxHeaderSize || header_len > size - preamble)
    return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy header length %zu exceeds the file", name,
                      header_len);

  char *header = malloc(header_len + 1);
  if (!header)
    return kconv_fail(KCONV_ERROR_MEMORY, "%s: out of memory", name);
  memcpy(header, data + preamble, header_len);
  header[header_len] = '\0';
  if (strlen(header) != header_len) {
    free(header);
    return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy header contains a NUL byte", name);
  }

  kconv_status status = KCONV_OK;
  int swap = 0, rank = 0;
  integer_dtype integer = {0, 0};
  int64_t shape[KCONV_MAX_RANK];
  const char *descr = find_value(header, "descr");
  const char *fortran = find_value(header, "fortran_order");
  const char *shape_text = find_value(header, "shape");
  if (header[0] != '{' || !descr || !fortran || !shape_text) {
    status = kconv_fail(KCONV_ERROR_FORMAT,
                        "%s: .npy header lacks 'descr', 'fortran_order' or 'shape'", name);
  } else if (strncmp(descr, "'<f4'", 5) == 0 || strncmp(descr, "'>f4'", 5) == 0 ||
             parse_integer_dtype(descr, &integer)) {
    int file_little = descr[1] != '>';
    swap = file_little != host_is_little_endian();
    if (strncmp(fortran, "False", 5) != 0)
      status = kconv_fail(KCONV_ERROR_DTYPE,
                          "%s: Fortran-ordered arrays are not supported; save a C-ordered "
                          "array (numpy.ascontiguousarray)",
                          name);
    else
      status = parse_shape(shape_text, name, &rank, shape);
  } else {
    char shown[16] = {0};
    size_t n = strcspn(descr, ",}");
    memcpy(shown, descr, n < sizeof shown - 1 ? n : sizeof shown - 1);
    status = kconv_fail(KCONV_ERROR_DTYPE,
                        "%s: dtype %s is not float32 ('<f4') or an integer type", name, shown);
  }
  free(header);
  if (status != KCONV_OK)
    return status;

  int64_t count = 1, bytes_needed;
  for (int i = 0; i < rank; ++i)
    if (kconv_mul_overflows(count, shape[i], &count))
      return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy shape overflows 64 bits", name);
  int element = integer.bytes ? integer.bytes : 4;
  if (kconv_mul_overflows(count, element, &bytes_needed))
    return kconv_fail(KCONV_ERROR_FORMAT, "%s: .npy shape overflows 64 bits", name);
  size_t available = size - preamble - header_len;
  if ((uint64_t)bytes_needed != available) {
    char text[256];
    return kconv_fail(KCONV_ERROR_FORMAT,
                      "%s: .npy header shape %s needs %lld data bytes but the file has %zu", name,
                      kconv_format_shape(rank, shape, text, sizeof text), (long long)bytes_needed,
                      available);
  }

  kconv_tensor *tensor;
  status = kconv_tensor_create(rank, shape, &tensor);
  if (status != KCONV_OK)
    return status;
  uint8_t *dst = (uint8_t *)kconv_tensor_data(tensor);
  if (integer.bytes) {
    status = convert_integers(data + preamble + header_len, count, integer,
                              swap != host_is_little_endian(), (float *)(void *)dst, name);
    if (status != KCONV_OK) {
      kconv_tensor_destroy(tensor);
      return status;
    }
    *out = tensor;
    return KCONV_OK;
  }
  memcpy(dst, data + preamble + header_len, (size_t)bytes_needed);
  if (swap) {
    for (int64_t i = 0; i < count; ++i) {
      uint8_t *v = dst + 4 * i, t0 = v[0], t1 = v[1];
      v[0] = v[3], v[1] = v[2], v[2] = t1, v[3] = t0;
    }
  }
  *out = tensor;
  return KCONV_OK;
}

kconv_status kconv_npy_read(const char *path, kconv_tensor **out) {
  if (!path || !out)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_npy_read: NULL argument");
  *out = NULL;
  FILE *file = fopen(path, "rb");
  if (!file)
    return kconv_fail(KCONV_ERROR_IO, "%s: cannot open: %s", path, strerror(errno));
  kconv_status status = KCONV_OK;
  uint8_t *bytes = NULL;
  long size = -1;
  if (fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 || fseek(file, 0, SEEK_SET) != 0) {
    status = kconv_fail(KCONV_ERROR_IO, "%s: cannot determine the file size", path);
  } else if (!(bytes = malloc(size ? (size_t)size : 1))) {
    status = kconv_fail(KCONV_ERROR_MEMORY, "%s: out of memory reading %ld bytes", path, size);
  } else if (fread(bytes, 1, (size_t)size, file) != (size_t)size) {
    status = kconv_fail(KCONV_ERROR_IO, "%s: read failed", path);
  } else {
    status = kconv_npy_parse(bytes, (size_t)size, path, out);
  }
  free(bytes);
  fclose(file);
  return status;
}

/* Writes the whole .npy image of `tensor` to `file` and closes it; every write, the
 * flush and the close checked (a full disk or device is an error). */
static int write_npy_and_close(FILE *file, const kconv_tensor *tensor) {
  char shape_text[256], header[512];
  int rank = kconv_tensor_rank(tensor);
  kconv_format_shape(rank, kconv_tensor_shape(tensor), shape_text, sizeof shape_text);
  int len = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }",
                     shape_text);
  /* Pad with spaces so data starts at a multiple of 64 bytes; the header ends in '\n'. */
  while ((10 + len + 1) % 64 != 0)
    header[len++] = ' ';
  header[len++] = '\n';
  uint8_t preamble[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (uint8_t)(len & 0xff),
                          (uint8_t)(len >> 8)};
  errno = 0;
  int ok = fwrite(preamble, 1, sizeof preamble, file) == sizeof preamble &&
           fwrite(header, 1, (size_t)len, file) == (size_t)len;
  const float *values = kconv_tensor_const_data(tensor);
  int64_t count = kconv_tensor_num_elements(tensor);
  if (host_is_little_endian()) {
    ok = ok && fwrite(values, sizeof(float), (size_t)count, file) == (size_t)count;
  } else {
    for (int64_t i = 0; ok && i < count; ++i) {
      const uint8_t *v = (const uint8_t *)(values + i);
      uint8_t le[4] = {v[3], v[2], v[1], v[0]};
      ok = fwrite(le, 1, 4, file) == 4;
    }
  }
  int error = ok ? 0 : errno;
  if (fflush(file) != 0 && !error)
    error = errno;
  if (fclose(file) != 0 && !error)
    error = errno;
  if (!ok && !error)
    error = EIO;
  errno = error;
  return error == 0;
}

void kconv_npy_discard(kconv_npy_staged *staged) {
  if (staged->temp_path) {
    remove(staged->temp_path);
    free(staged->temp_path);
  }
  free(staged->destination);
  memset(staged, 0, sizeof *staged);
}

kconv_status kconv_npy_stage(const char *path, const kconv_tensor *tensor,
                             kconv_npy_staged *staged) {
  memset(staged, 0, sizeof *staged);
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode))
      return kconv_fail(KCONV_ERROR_IO, "%s: is a directory, not an output file", path);
    /* A device or FIFO is written in place at commit (never replaced by a file). */
    staged->path = path;
    staged->tensor = tensor;
    return KCONV_OK;
  }
  /* Through a symlink, the file it names is replaced, not the link. */
  staged->destination = realpath(path, NULL);
  if (!staged->destination)
    staged->destination = strdup(path);
  size_t size = strlen(staged->destination) + 48;
  staged->temp_path = malloc(size);
  if (!staged->destination || !staged->temp_path) {
    kconv_npy_discard(staged);
    return kconv_fail(KCONV_ERROR_MEMORY, "%s: out of memory", path);
  }
  /* A fresh name beside the destination (O_EXCL: never an existing file), created
   * with the permissions fopen would give (0666 less the umask). */
  static unsigned counter;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    snprintf(staged->temp_path, size, "%s.tmp%ld.%u", staged->destination, (long)getpid(),
             __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    fd = open(staged->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  FILE *file = fd < 0 ? NULL : fdopen(fd, "wb");
  if (!file) {
    kconv_status status = kconv_fail(KCONV_ERROR_IO, "%s: cannot create: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd); /* the discard removes the file */
    } else {
      free(staged->temp_path); /* nothing was created */
      staged->temp_path = NULL;
    }
    kconv_npy_discard(staged);
    return status;
  }
  if (!write_npy_and_close(file, tensor)) {
    kconv_status status = kconv_fail(KCONV_ERROR_IO, "%s: write failed: %s", path, strerror(errno));
    kconv_npy_discard(staged);
    return status;
  }
  staged->path = path;
  return KCONV_OK;
}

kconv_status kconv_npy_commit(kconv_npy_staged *staged) {
  kconv_status status = KCONV_OK;
  if (!staged->temp_path) { /* in place */
    FILE *file = fopen(staged->path, "wb");
    if (!file)
      status = kconv_fail(KCONV_ERROR_IO, "%s: cannot open: %s", staged->path, strerror(errno));
    else if (!write_npy_and_close(file, staged->tensor))
      status = kconv_fail(KCONV_ERROR_IO, "%s: write failed: %s", staged->path, strerror(errno));
  } else if (rename(staged->temp_path, staged->destination) != 0) {
    status = kconv_fail(KCONV_ERROR_IO, "%s: write failed: %s", staged->path, strerror(errno));
  } else {
    free(staged->temp_path);
    staged->temp_path = NULL;
  }
  kconv_npy_discard(staged);
  return status;
}

kconv_status kconv_npy_write(const char *path, const kconv_tensor *tensor) {
  if (!path || !tensor)
    return kconv_fail(KCONV_ERROR_ARGUMENT, "kconv_npy_write: NULL argument");
  kconv_npy_staged staged;
  kconv_status status = kconv_npy_stage(path, tensor, &staged);
  return status == KCONV_OK ? kconv_npy_commit(&staged) : status;
}
