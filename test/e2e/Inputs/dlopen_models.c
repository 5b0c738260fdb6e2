/* Loads models' shared libraries (kconvc --emit=shared) into one process with dlopen,
 * then runs each on an .npy input and writes its output .npy:
 *   dlopen_models LIB NAME IN.npy OUT.npy [LIB NAME IN.npy OUT.npy]...
 * The libraries are loaded RTLD_GLOBAL, and this program links a kconv runtime of its
 * own (for the .npy files) exported with -rdynamic: any runtime symbol a library left
 * visible could bind to another copy. Each model also runs through its typed entry
 * point (NAME_tensor_wrap + NAME_run), which must give the same bytes. */
#include "kconv/kconv_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

enum { kMaxModels = 4 };

typedef struct loaded {
  const char *name, *input, *output;
  const kconv_model *model;
  kconv_status (*run_arrays)(int64_t, const float *const *, float *const *);
  kconv_status (*run)(kconv_tensor *, kconv_tensor *);
  kconv_status (*wrap)(int, const int64_t *, float *, kconv_tensor **);
  void (*destroy)(kconv_tensor *);
  const char *(*last_error)(void);
} loaded;

static void *symbol(void *library, const char *name, const char *suffix) {
  char full[256];
  snprintf(full, sizeof full, "%s%s", name, suffix);
  void *found = dlsym(library, full);
  if (!found)
    fprintf(stderr, "error: %s: %s\n", full, dlerror());
  return found;
}

static int run(const loaded *m) {
  kconv_tensor *in = NULL, *out = NULL, *out2 = NULL, *in_lib = NULL, *out_lib = NULL;
  int ok = 0;
  if (kconv_npy_read(m->input, &in) != KCONV_OK) {
    fprintf(stderr, "error: %s\n", kconv_last_error());
    return 0;
  }
  const kconv_tensor_info *info = &m->model->outputs[0];
  int64_t shape[KCONV_MAX_RANK];
  for (int d = 0; d < info->rank; ++d)
    shape[d] = info->shape[d] < 0 ? kconv_tensor_shape(in)[0] : info->shape[d];
  if (kconv_tensor_create(info->rank, shape, &out) != KCONV_OK ||
      kconv_tensor_create(info->rank, shape, &out2) != KCONV_OK)
    goto done;
  const float *inputs[] = {kconv_tensor_const_data(in)};
  float *outputs[] = {kconv_tensor_data(out)};
  if (m->run_arrays(kconv_tensor_shape(in)[0], inputs, outputs) != KCONV_OK) {
    fprintf(stderr, "error: %s: %s\n", m->name, m->last_error());
    goto done;
  }
  if (m->wrap(kconv_tensor_rank(in), kconv_tensor_shape(in), kconv_tensor_data(in), &in_lib) !=
          KCONV_OK ||
      m->wrap(info->rank, shape, kconv_tensor_data(out2), &out_lib) != KCONV_OK ||
      m->run(in_lib, out_lib) != KCONV_OK) {
    fprintf(stderr, "error: %s: %s\n", m->name, m->last_error());
    goto done;
  }
  if (memcmp(kconv_tensor_const_data(out), kconv_tensor_const_data(out2),
             sizeof(float) * (size_t)kconv_tensor_num_elements(out)) != 0) {
    fprintf(stderr, "error: %s: NAME_run and NAME_run_arrays differ\n", m->name);
    goto done;
  }
  if (kconv_npy_write(m->output, out) != KCONV_OK) {
    fprintf(stderr, "error: %s\n", kconv_last_error());
    goto done;
  }
  ok = 1;
done:
  m->destroy(in_lib);
  m->destroy(out_lib);
  kconv_tensor_destroy(in);
  kconv_tensor_destroy(out);
  kconv_tensor_destroy(out2);
  return ok;
}

int main(int argc, char **argv) {
  loaded models[kMaxModels];
  int count = (argc - 1) / 4;
  if (argc < 5 || (argc - 1) % 4 != 0 || count > kMaxModels) {
    fprintf(stderr, "usage: %s LIB NAME IN.npy OUT.npy ...\n", argv[0]);
    return 2;
  }
  for (int i = 0; i < count; ++i) {
    loaded *m = &models[i];
    void *library = dlopen(argv[1 + 4 * i], RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
      fprintf(stderr, "error: %s\n", dlerror());
      return 1;
    }
    m->name = argv[2 + 4 * i];
    m->input = argv[3 + 4 * i];
    m->output = argv[4 + 4 * i];
    m->model = symbol(library, m->name, "_model");
    m->run_arrays = (kconv_status(*)(int64_t, const float *const *, float *const *))symbol(
        library, m->name, "_run_arrays");
    m->run = (kconv_status(*)(kconv_tensor *, kconv_tensor *))symbol(library, m->name, "_run");
    m->wrap = (kconv_status(*)(int, const int64_t *, float *, kconv_tensor **))symbol(
        library, m->name, "_tensor_wrap");
    m->destroy = (void (*)(kconv_tensor *))symbol(library, m->name, "_tensor_destroy");
    m->last_error = (const char *(*)(void))symbol(library, m->name, "_last_error");
    if (!m->model || !m->run_arrays || !m->run || !m->wrap || !m->destroy || !m->last_error)
      return 1;
    if (m->model->num_inputs != 1 || m->model->num_outputs != 1) {
      fprintf(stderr, "error: %s: one input and one output expected\n", m->name);
      return 1;
    }
    printf("%s: model '%s', kconv %s, runtime ABI %d\n", m->name, m->model->name,
           m->model->kconv_version, *m->model->runtime_abi);
  }
  for (int i = 0; i < count; ++i)
    if (!run(&models[i]))
      return 1;
  printf("ran %d models\n", count);
  return 0;
}
