// kconv.masked_average_pool1d -> a MaskedAveragePool1DLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(MaskedAveragePool1DOp pool, LayerLowering &lowering) {
  int in = lowering.valueFor(pool.getInput()), mask = lowering.valueFor(pool.getMask());
  int out = lowering.valueFor(pool->getResult(0));
  lowering.plan.nodes.push_back(codegen::MaskedAveragePool1DLayer{
      lowering.name, in, mask, out, pool.getDataFormat() == DataFormat::channels_first});
  return success();
}

} // namespace kconv::dialect
