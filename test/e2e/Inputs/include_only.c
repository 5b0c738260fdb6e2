/* Only includes MODEL_HEADER (given with -D): symbol-prefix.test links it beside a
   program that uses another model compiled with the same prefix. */
#include MODEL_HEADER

int include_only(void) { return 0; }
