// kconv.pool2d -> a Pool2DLayer, its 'same' padding resolved to amounts.
#include "../LayerLowering.h"
#include "kconv/Support/ConvGeometry.h"

namespace kconv::dialect {

LogicalResult lowerLayer(Pool2DOp pool, LayerLowering &lowering) {
  int in = lowering.valueFor(pool->getOperand(0)), out = lowering.valueFor(pool->getResult(0));
  codegen::Pool2DLayer layer{lowering.name,
                             in,
                             out,
                             pool.getKind() == PoolKind::max,
                             pair(pool.getPoolSize()),
                             pair(pool.getStrides()),
                             {0, 0, 0, 0}};
  if (pool.getPadding() == Padding::same) {
    codegen::ImageInfo image = lowering.plan.values.at(in).image();
    int64_t sizes[2] = {image.height, image.width};
    for (int axis = 0; axis < 2; ++axis) {
      // (verified: the padding of a verified pool2d is representable)
      ::kconv::AxisPadding p =
          ::kconv::computeAxisPadding(true, sizes[axis], layer.window[axis], layer.strides[axis], 1)
              .value_or(::kconv::AxisPadding{});
      layer.padding[2 * axis] = p.before;
      layer.padding[2 * axis + 1] = p.after;
    }
  }
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
