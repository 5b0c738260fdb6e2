/* A stand-in for a malicious HDF5 filter plugin (test/Hostile/hdf5-plugins.test): its
   constructor leaves a marker file when libhdf5 loads it. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor)) static void loaded(void) {
  const char *marker = getenv("KCONV_PLUGIN_MARKER");
  FILE *f = marker ? fopen(marker, "w") : NULL;
  if (f) {
    fputs("plugin code ran\n", f);
    fclose(f);
  }
}

int H5PLget_plugin_type(void) { return 0; /* H5PL_TYPE_FILTER */ }
const void *H5PLget_plugin_info(void) { return NULL; }
