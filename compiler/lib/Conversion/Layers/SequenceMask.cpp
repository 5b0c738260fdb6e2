// kconv.sequence_mask -> a SequenceMaskLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(SequenceMaskOp mask, LayerLowering &lowering) {
  lowering.plan.nodes.push_back(codegen::SequenceMaskLayer{
      lowering.name, lowering.valueFor(mask.getInput()), lowering.valueFor(mask->getResult(0)),
      mask.getMaskValue().convertToDouble()});
  return success();
}

} // namespace kconv::dialect
