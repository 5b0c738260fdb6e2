// RUN: kconv-opt %s --kconv-fold-batch-norm -split-input-file | FileCheck %s
// --kconv-fold-batch-norm into a Dense (over its last axis) and into a Conv1D (the
// conv2d of a (1, steps) view, then the reshape back to rank 3, over the channels).

// scale = gamma / sqrt(variance + epsilon) = 4 / sqrt(3 + 1) = 2: kernel 1 -> 2;
// bias = (bias - mean) * scale + beta = (1 - 0.5) * 2 + 0.25 = 1.25.
// CHECK-LABEL: func.func @dense
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[K:.*]] = arith.constant dense_resource<dense.kernel_bn> : tensor<3x2xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<dense.bias_bn> : tensor<2xf32>
// CHECK: %[[D:.*]] = kconv.dense %arg0, %[[K]], %[[B]] {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = true}
// CHECK: return %[[D]]
// CHECK: dense.kernel_bn: "0x04000000000000400000004000000040000000400000004000000040"
// CHECK: dense.bias_bn: "0x040000000000A03F0000A03F"
func.func @dense(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %k = arith.constant dense<1.0> : tensor<3x2xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %gamma = arith.constant dense<4.0> : tensor<2xf32>
  %beta = arith.constant dense<0.25> : tensor<2xf32>
  %mean = arith.constant dense<0.5> : tensor<2xf32>
  %var = arith.constant dense<3.0> : tensor<2xf32>
  %d = kconv.dense %x, %k, %b {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = true} : (tensor<?x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<?x2xf32> loc("dense")
  %n = kconv.batch_norm %d, %gamma, %beta, %mean, %var {axis = 1 : i64, center = true, epsilon = 1.0 : f64, scale = true} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %n : tensor<?x2xf32>
}

// -----

// A Dense without bias gets one; a Dense on a sequence (rank 3) folds over its last axis.
// bias = (0 - 0.5) * 2 + 0.25 = -0.75.
// CHECK-LABEL: func.func @dense_sequence
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[K:.*]] = arith.constant dense_resource<seq.kernel_bn> : tensor<3x2xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<seq.bias_bn> : tensor<2xf32>
// CHECK: kconv.dense %arg0, %[[K]], %[[B]] {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = true} : (tensor<?x5x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<?x5x2xf32>
// CHECK: seq.bias_bn: "0x04000000000040BF000040BF"
func.func @dense_sequence(%x: tensor<?x5x3xf32>) -> tensor<?x5x2xf32> {
  %k = arith.constant dense<1.0> : tensor<3x2xf32>
  %gamma = arith.constant dense<4.0> : tensor<2xf32>
  %beta = arith.constant dense<0.25> : tensor<2xf32>
  %mean = arith.constant dense<0.5> : tensor<2xf32>
  %var = arith.constant dense<3.0> : tensor<2xf32>
  %d = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = false} : (tensor<?x5x3xf32>, tensor<3x2xf32>) -> tensor<?x5x2xf32> loc("seq")
  %n = kconv.batch_norm %d, %gamma, %beta, %mean, %var {axis = 2 : i64, center = true, epsilon = 1.0 : f64, scale = true} : (tensor<?x5x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x5x2xf32>
  return %n : tensor<?x5x2xf32>
}

// -----

// Not folded into a Dense: an activation before the norm, a norm over another axis
// than the Dense's outputs, a Dense result read by another layer too.
// CHECK-LABEL: func.func @dense_no_fold
// CHECK-COUNT-3: kconv.batch_norm
func.func @dense_no_fold(%x: tensor<?x2x3xf32>) -> (tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>) {
  %k = arith.constant dense<1.0> : tensor<3x2xf32>
  %v = arith.constant dense<1.0> : tensor<2xf32>
  %a = kconv.dense %x, %k {activation = #kconv.activation<relu>, units = 2 : i64, use_bias = false} : (tensor<?x2x3xf32>, tensor<3x2xf32>) -> tensor<?x2x2xf32>
  %n = kconv.batch_norm %a, %v, %v, %v, %v {axis = 2 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  %b = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = false} : (tensor<?x2x3xf32>, tensor<3x2xf32>) -> tensor<?x2x2xf32>
  %m = kconv.batch_norm %b, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  %c = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = false} : (tensor<?x2x3xf32>, tensor<3x2xf32>) -> tensor<?x2x2xf32>
  %o = kconv.batch_norm %c, %v, %v, %v, %v {axis = 2 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  return %n, %m, %o, %c : tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>
}

// -----

// Conv1D channels_last: conv2d (N, 1, 4, 2) -> reshape (N, 4, 2) -> norm over axis 2.
// CHECK-LABEL: func.func @conv1d
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[K:.*]] = arith.constant dense_resource<conv1d.kernel_bn> : tensor<1x1x1x2xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<conv1d.bias_bn> : tensor<2xf32>
// CHECK: %[[C:.*]] = kconv.conv2d %{{.*}}, %[[K]], %[[B]] {{.*}}use_bias = true
// CHECK: %[[R:.*]] = kconv.reshape %[[C]]
// CHECK: return %[[R]]
// CHECK: conv1d.kernel_bn: "0x040000000000004000000040"
// CHECK: conv1d.bias_bn: "0x040000000000A03F0000A03F"
func.func @conv1d(%x: tensor<?x1x4x1xf32>) -> tensor<?x4x2xf32> {
  %k = arith.constant dense<1.0> : tensor<1x1x1x2xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %gamma = arith.constant dense<4.0> : tensor<2xf32>
  %beta = arith.constant dense<0.25> : tensor<2xf32>
  %mean = arith.constant dense<0.5> : tensor<2xf32>
  %var = arith.constant dense<3.0> : tensor<2xf32>
  %c = kconv.conv2d %x, %k, %b {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = true} : (tensor<?x1x4x1xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>) -> tensor<?x1x4x2xf32> loc("conv1d")
  %r = kconv.reshape %c {shape = array<i64: 4, 2>} : (tensor<?x1x4x2xf32>) -> tensor<?x4x2xf32>
  %n = kconv.batch_norm %r, %gamma, %beta, %mean, %var {axis = 2 : i64, center = true, epsilon = 1.0 : f64, scale = true} : (tensor<?x4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x4x2xf32>
  return %n : tensor<?x4x2xf32>
}

// -----

// Conv1D channels_first: conv2d (N, 2, 1, 4) -> reshape (N, 2, 4) -> norm over axis 1.
// CHECK-LABEL: func.func @conv1d_channels_first
// CHECK-NOT: kconv.batch_norm
// CHECK: kconv.conv2d {{.*}}use_bias = true
func.func @conv1d_channels_first(%x: tensor<?x1x1x4xf32>) -> tensor<?x2x4xf32> {
  %k = arith.constant dense<1.0> : tensor<1x1x1x2xf32>
  %v = arith.constant dense<1.0> : tensor<2xf32>
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x1x1x4xf32>, tensor<1x1x1x2xf32>) -> tensor<?x2x1x4xf32>
  %r = kconv.reshape %c {shape = array<i64: 2, 4>} : (tensor<?x2x1x4xf32>) -> tensor<?x2x4xf32>
  %n = kconv.batch_norm %r, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x4xf32>
  return %n : tensor<?x2x4xf32>
}

// -----

// Conv1D channels_first after --kconv-convert-layout: a channels_last conv2d, the
// transpose back to channels_first (N, 2, 1, 4), the reshape, the norm over axis 1.
// CHECK-LABEL: func.func @conv1d_converted
// CHECK-NOT: kconv.batch_norm
// CHECK: kconv.conv2d {{.*}}use_bias = true
func.func @conv1d_converted(%x: tensor<?x1x4x1xf32>) -> tensor<?x2x4xf32> {
  %k = arith.constant dense<1.0> : tensor<1x1x1x2xf32>
  %v = arith.constant dense<1.0> : tensor<2xf32>
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x1x4x1xf32>, tensor<1x1x1x2xf32>) -> tensor<?x1x4x2xf32>
  %t = kconv.transpose %c {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x1x4x2xf32>) -> tensor<?x2x1x4xf32>
  %r = kconv.reshape %t {shape = array<i64: 2, 4>} : (tensor<?x2x1x4xf32>) -> tensor<?x2x4xf32>
  %n = kconv.batch_norm %r, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x4xf32>
  return %n : tensor<?x2x4xf32>
}

// -----

// Not folded into a Conv1D: the norm over the steps, not the channels; a reshape that
// is no squeeze of the unit axis; a reshape read by another layer too.
// CHECK-LABEL: func.func @conv1d_no_fold
// CHECK-COUNT-3: kconv.batch_norm
func.func @conv1d_no_fold(%x: tensor<?x1x2x1xf32>) -> (tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>) {
  %k = arith.constant dense<1.0> : tensor<1x1x1x2xf32>
  %v = arith.constant dense<1.0> : tensor<2xf32>
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x1x2x1xf32>, tensor<1x1x1x2xf32>) -> tensor<?x1x2x2xf32>
  %r = kconv.reshape %c {shape = array<i64: 2, 2>} : (tensor<?x1x2x2xf32>) -> tensor<?x2x2xf32>
  %n = kconv.batch_norm %r, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  %d = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x1x2x1xf32>, tensor<1x1x1x2xf32>) -> tensor<?x2x2x1xf32>
  %s = kconv.reshape %d {shape = array<i64: 2, 2>} : (tensor<?x2x2x1xf32>) -> tensor<?x2x2xf32>
  %m = kconv.batch_norm %s, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  %e = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x1x2x1xf32>, tensor<1x1x1x2xf32>) -> tensor<?x1x2x2xf32>
  %t = kconv.reshape %e {shape = array<i64: 2, 2>} : (tensor<?x1x2x2xf32>) -> tensor<?x2x2xf32>
  %o = kconv.batch_norm %t, %v, %v, %v, %v {axis = 2 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2xf32>
  return %n, %m, %o, %t : tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>, tensor<?x2x2xf32>
}
