/* Prints the layout each input and output of MODEL (a kconv_model, given with -D and
   its header with -include) is described with. channels-first-layout.test. */
#include <stdio.h>

int main(void) {
  for (int i = 0; i < MODEL.num_inputs; ++i)
    printf("input %d '%s': %s\n", i, MODEL.inputs[i].name, MODEL.inputs[i].data_format);
  for (int i = 0; i < MODEL.num_outputs; ++i)
    printf("output %d '%s': %s\n", i, MODEL.outputs[i].name, MODEL.outputs[i].data_format);
  return 0;
}
