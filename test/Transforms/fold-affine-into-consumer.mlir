// RUN: kconv-opt %s --kconv-fold-affine-into-consumer | FileCheck %s

// Normalization -> Dense: scale s = gamma / sqrt(variance + epsilon) = (2, 4), offset
// o = beta - mean * s = (1, 0); kernel rows scaled, 0.5 + 1 * 1 + 0 * 2 = 1.5.
// CHECK-LABEL: func.func @dense
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[K:.*]] = arith.constant dense_resource<dense.kernel_affine> : tensor<2x1xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<dense.bias_affine> : tensor<1xf32>
// CHECK: kconv.dense %arg0, %[[K]], %[[B]] {{.*}}use_bias = true
func.func @dense(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %gamma = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %n = kconv.batch_norm %x, %gamma, %beta, %zero, %one {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %k = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %d = kconv.dense %n, %k, %b {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = true} : (tensor<?x2xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<?x1xf32> loc("dense")
  return %d : tensor<?x1xf32>
}

// A batch norm (s = 4 / sqrt(3 + 1) = 2, o = 0.25 - 0.5 * 2 = -0.75) into a valid 2x2
// convolution without bias: kernel 1 -> 2, bias 4 * -0.75 = -3.
// CHECK-LABEL: func.func @conv_valid
// CHECK-NOT: kconv.batch_norm
// CHECK: kconv.conv2d %arg0, {{.*}}use_bias = true
func.func @conv_valid(%x: tensor<?x3x3x1xf32>) -> tensor<?x2x2x1xf32> {
  %gamma = arith.constant dense<4.0> : tensor<1xf32>
  %beta = arith.constant dense<0.25> : tensor<1xf32>
  %mean = arith.constant dense<0.5> : tensor<1xf32>
  %var = arith.constant dense<3.0> : tensor<1xf32>
  %n = kconv.batch_norm %x, %gamma, %beta, %mean, %var {axis = 3 : i64, center = true, epsilon = 1.0 : f64, scale = true} : (tensor<?x3x3x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3x3x1xf32>
  %k = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = kconv.conv2d %n, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 2, 2>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x3x3x1xf32>, tensor<2x2x1x1xf32>) -> tensor<?x2x2x1xf32> loc("conv")
  return %c : tensor<?x2x2x1xf32>
}

// Rescaling (x * 0.5 + 1) then a per-channel norm (s = (2, 4), o = (1, 0.5)) into a
// depthwise convolution (two filters per input channel): the norm folds first, then the
// rescaling. Filters 0, 1 read channel 0 and 2, 3 channel 1: kernel (1, 1, 2, 2) -> after
// the norm (2, 2, 4, 4), bias (1, 1, 0.5, 0.5) -> after the rescaling (1, 1, 2, 2) and
// bias + kernel_norm * 1 = (3, 3, 4.5, 4.5).
// CHECK-LABEL: func.func @depthwise_chain
// CHECK-NOT: kconv.batch_norm
// CHECK-NOT: kconv.rescale
// CHECK: kconv.conv2d %arg0, {{.*}}groups = 2 : i64
func.func @depthwise_chain(%x: tensor<?x2x2x2xf32>) -> tensor<?x2x2x4xf32> {
  %r = kconv.rescale %x {scale = 0.5 : f64, offset = 1.0 : f64} : (tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32>
  %gamma = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %n = kconv.batch_norm %r, %gamma, %beta, %zero, %one {axis = 3 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x2xf32>
  %k = arith.constant dense<1.0> : tensor<1x1x1x4xf32>
  %c = kconv.conv2d %n, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 2 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x2x2x2xf32>, tensor<1x1x1x4xf32>) -> tensor<?x2x2x4xf32> loc("dw")
  return %c : tensor<?x2x2x4xf32>
}

// Through a Flatten: (2, 2, 2) over its channels (s = (2, 4), o = (1, 0)) -> 8 features,
// feature i of channel i % 2: kernel rows (1, .., 1) -> (2, 4, 2, 4, ...), bias 4 * 1.
// CHECK-LABEL: func.func @flatten_dense
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[R:.*]] = kconv.reshape %arg0
// CHECK: kconv.dense %[[R]]
func.func @flatten_dense(%x: tensor<?x2x2x2xf32>) -> tensor<?x1xf32> {
  %gamma = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %n = kconv.batch_norm %x, %gamma, %beta, %zero, %one {axis = 3 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x2xf32>
  %f = kconv.reshape %n {shape = array<i64: 8>} : (tensor<?x2x2x2xf32>) -> tensor<?x8xf32>
  %k = arith.constant dense<1.0> : tensor<8x1xf32>
  %d = kconv.dense %f, %k {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x8xf32>, tensor<8x1xf32>) -> tensor<?x1xf32> loc("flat")
  return %d : tensor<?x1xf32>
}

// A Conv1D: its conv2d reads a (1, steps) view of the norm's (steps, channels); the
// channels stay the last axis. s = (2, 4), o = (1, 0): kernel (1, 1, 1, 1) -> (2, 4, 2, 4),
// bias 2 * 1.
// CHECK-LABEL: func.func @conv1d
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[V:.*]] = kconv.reshape %arg0
// CHECK: kconv.conv2d %[[V]]
func.func @conv1d(%x: tensor<?x3x2xf32>) -> tensor<?x1x2x1xf32> {
  %gamma = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %n = kconv.batch_norm %x, %gamma, %beta, %zero, %one {axis = 2 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x3x2xf32>
  %v = kconv.reshape %n {shape = array<i64: 1, 3, 2>} : (tensor<?x3x2xf32>) -> tensor<?x1x3x2xf32>
  %k = arith.constant dense<1.0> : tensor<1x2x2x1xf32>
  %c = kconv.conv2d %v, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 2>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x1x3x2xf32>, tensor<1x2x2x1xf32>) -> tensor<?x1x2x1xf32> loc("c1d")
  return %c : tensor<?x1x2x1xf32>
}

// A channels_first model after --kconv-convert-layout: the norm over axis 1 reaches the
// channels_last convolution through a transpose. s = (2, 4), o = (1, 0): kernel
// (1, 1) -> (2, 4), bias 1 + 0 = 1. Not folded when the transpose brings another axis
// (the height) to the channels.
// CHECK-LABEL: func.func @transposed
// CHECK: %[[T:.*]] = kconv.transpose %arg0
// CHECK: kconv.conv2d %[[T]]
// CHECK: kconv.batch_norm
// CHECK: kconv.transpose
func.func @transposed(%x: tensor<?x2x3x3xf32>, %y: tensor<?x2x2x2xf32>) -> (tensor<?x3x3x1xf32>, tensor<?x2x2x1xf32>) {
  %gamma = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %n = kconv.batch_norm %x, %gamma, %beta, %zero, %one {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x3x3xf32>
  %t = kconv.transpose %n {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x2x3x3xf32>) -> tensor<?x3x3x2xf32>
  %k = arith.constant dense<1.0> : tensor<1x1x2x1xf32>
  %c = kconv.conv2d %t, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x3x3x2xf32>, tensor<1x1x2x1xf32>) -> tensor<?x3x3x1xf32> loc("cf")
  %m = kconv.batch_norm %y, %gamma, %beta, %zero, %one {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x2xf32>
  %u = kconv.transpose %m {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32>
  %d = kconv.conv2d %u, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x2x2x2xf32>, tensor<1x1x2x1xf32>) -> tensor<?x2x2x1xf32>
  return %c, %d : tensor<?x3x3x1xf32>, tensor<?x2x2x1xf32>
}

// Not folded: a 'same' 3x3 convolution pads (the padded zeros would be mapped too).
// CHECK-LABEL: func.func @conv_same
// CHECK: kconv.rescale
// CHECK: kconv.conv2d
func.func @conv_same(%x: tensor<?x3x3x1xf32>) -> tensor<?x3x3x1xf32> {
  %r = kconv.rescale %x {scale = 0.5 : f64, offset = 1.0 : f64} : (tensor<?x3x3x1xf32>) -> tensor<?x3x3x1xf32>
  %k = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %c = kconv.conv2d %r, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x3x3x1xf32>, tensor<3x3x1x1xf32>) -> tensor<?x3x3x1xf32>
  return %c : tensor<?x3x3x1xf32>
}

// Not folded: the norm has two readers, or is also a model output, or is a residual.
// CHECK-LABEL: func.func @other_uses
// CHECK-COUNT-3: kconv.batch_norm
func.func @other_uses(%x: tensor<?x2xf32>, %y: tensor<?x2x2x1xf32>) -> (tensor<?x1xf32>, tensor<?x1xf32>, tensor<?x1xf32>, tensor<?x2xf32>, tensor<?x2x2x1xf32>) {
  %v = arith.constant dense<2.0> : tensor<2xf32>
  %n = kconv.batch_norm %x, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %k = arith.constant dense<1.0> : tensor<2x1xf32>
  %d1 = kconv.dense %n, %k {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
  %d2 = kconv.dense %n, %k {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
  %m = kconv.batch_norm %x, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %d3 = kconv.dense %m, %k {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
  %w = arith.constant dense<2.0> : tensor<1xf32>
  %p = kconv.batch_norm %y, %w, %w, %w, %w {axis = 3 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x2x2x1xf32>
  %kc = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %c = kconv.conv2d %y, %kc residual %p {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<?x2x2x1xf32>) -> tensor<?x2x2x1xf32>
  return %d1, %d2, %d3, %m, %c : tensor<?x1xf32>, tensor<?x1xf32>, tensor<?x1xf32>, tensor<?x2xf32>, tensor<?x2x2x1xf32>
}

// Not folded: a zero variance without epsilon (an infinite scale).
// CHECK-LABEL: func.func @infinite_scale
// CHECK: kconv.batch_norm
func.func @infinite_scale(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %n = kconv.batch_norm %x, %one, %zero, %zero, %zero {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %k = arith.constant dense<1.0> : tensor<2x1xf32>
  %d = kconv.dense %n, %k {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
  return %d : tensor<?x1xf32>
}

// Not folded: rows of a reshape holding several channels of the norm (4 channels of 2
// values viewed as 2 rows of 4), and a norm over the steps before a Dense on features.
// CHECK-LABEL: func.func @other_axes
// CHECK-COUNT-2: kconv.batch_norm
// The folded weights (little-endian float32 after the blob's alignment word):
// 2 = 0x40000000, 8 = 0x41000000, 1.5 = 0x3FC00000, -3 = 0xC0400000, 3 = 0x40400000,
// 4.5 = 0x40900000, 1 = 0x3F800000, 4 = 0x40800000.
// CHECK-DAG: dense.kernel_affine: "0x040000000000004000000041"
// CHECK-DAG: dense.bias_affine: "0x040000000000C03F"
// CHECK-DAG: conv.kernel_affine: "0x0400000000000040000000400000004000000040"
// CHECK-DAG: conv.bias_affine: "0x04000000000040C0"
// CHECK-DAG: dw.kernel_affine_1: "0x040000000000803F0000803F0000004000000040"
// CHECK-DAG: dw.bias_affine_1: "0x0400000000004040000040400000904000009040"
// CHECK-DAG: flat.kernel_affine: "0x040000000000004000008040000000400000804000000040000080400000004000008040"
// CHECK-DAG: flat.bias_affine: "0x0400000000008040"
// CHECK-DAG: c1d.kernel_affine: "0x0400000000000040000080400000004000008040"
// CHECK-DAG: c1d.bias_affine: "0x0400000000000040"
// CHECK-DAG: cf.kernel_affine: "0x040000000000004000008040"
// CHECK-DAG: cf.bias_affine: "0x040000000000803F"
func.func @other_axes(%x: tensor<?x4x2xf32>, %y: tensor<?x2x2xf32>) -> (tensor<?x2x1xf32>, tensor<?x2x1xf32>) {
  %v = arith.constant dense<2.0> : tensor<4xf32>
  %n = kconv.batch_norm %x, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x4x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x2xf32>
  %f = kconv.reshape %n {shape = array<i64: 2, 4>} : (tensor<?x4x2xf32>) -> tensor<?x2x4xf32>
  %k = arith.constant dense<1.0> : tensor<4x1xf32>
  %d = kconv.dense %f, %k {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x2x4xf32>, tensor<4x1xf32>) -> tensor<?x2x1xf32>
  %w = arith.constant dense<2.0> : tensor<2xf32>
  %m = kconv.batch_norm %y, %w, %w, %w, %w {axis = 1 : i64, center = true, epsilon = 0.0 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  %k2 = arith.constant dense<1.0> : tensor<2x1xf32>
  %e = kconv.dense %m, %k2 {activation = #kconv.activation<linear>, units = 1 : i64, use_bias = false} : (tensor<?x2x2xf32>, tensor<2x1xf32>) -> tensor<?x2x1xf32>
  return %d, %e : tensor<?x2x1xf32>, tensor<?x2x1xf32>
}
