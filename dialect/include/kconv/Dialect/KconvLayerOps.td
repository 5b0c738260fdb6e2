// The Keras layer ops, one file per layer in Layers/ (the op's C++ is in
// dialect/lib/Layers/ under the same name). Each op keeps its layer's arguments;
// shapes are Keras's own (batch first, in the layer's data_format), the batch may
// be `?`. Included by KconvOps.td after the base classes.
#ifndef KCONV_LAYER_OPS_TD
#define KCONV_LAYER_OPS_TD

include "kconv/Dialect/Layers/Conv2D.td"
include "kconv/Dialect/Layers/DepthUnfold.td"
include "kconv/Dialect/Layers/Dense.td"
include "kconv/Dialect/Layers/Embedding.td"
include "kconv/Dialect/Layers/CategoryEncoding.td"
include "kconv/Dialect/Layers/Discretization.td"
include "kconv/Dialect/Layers/MaskedAveragePool1D.td"
include "kconv/Dialect/Layers/SequenceMask.td"
include "kconv/Dialect/Layers/Conv2DTranspose.td"
include "kconv/Dialect/Layers/BatchNorm.td"
include "kconv/Dialect/Layers/LayerNorm.td"
include "kconv/Dialect/Layers/UnitNorm.td"
include "kconv/Dialect/Layers/AdaptivePool2D.td"
include "kconv/Dialect/Layers/Pool2D.td"
include "kconv/Dialect/Layers/GlobalPool2D.td"
include "kconv/Dialect/Layers/Activation.td"
include "kconv/Dialect/Layers/PReLU.td"
include "kconv/Dialect/Layers/Merge.td"
include "kconv/Dialect/Layers/Concatenate.td"
include "kconv/Dialect/Layers/ZeroPadding2D.td"
include "kconv/Dialect/Layers/Cropping2D.td"
include "kconv/Dialect/Layers/UpSampling2D.td"
include "kconv/Dialect/Layers/Reshape.td"
include "kconv/Dialect/Layers/Transpose.td"
include "kconv/Dialect/Layers/Rescaling.td"
include "kconv/Dialect/Layers/Identity.td"
include "kconv/Dialect/Layers/Resize.td"
include "kconv/Dialect/Layers/GroupNorm.td"
include "kconv/Dialect/Layers/BatchMatMul.td"
include "kconv/Dialect/Layers/AdditiveScores.td"
include "kconv/Dialect/Layers/AttentionMask.td"
include "kconv/Dialect/Layers/Recurrent.td"

#endif // KCONV_LAYER_OPS_TD
