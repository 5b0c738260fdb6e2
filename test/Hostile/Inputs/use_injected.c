/* Includes the header kconvc generated for names_injection.keras (generated-names.test)
   and prints what its descriptor says. */
#include "libinjected.h"

#include <stdio.h>

int main(void) {
  printf("%d %s\n", injected_model.num_inputs, injected_model.inputs[0].name);
  return 0;
}
