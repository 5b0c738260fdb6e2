// RUN: kconv-opt %s --kconv-fold-batch-norm | FileCheck %s

// scale = gamma / sqrt(variance + epsilon) = 4 / sqrt(3 + 1) = 2: kernel 1 -> 2;
// bias = (bias - mean) * scale + beta = (1 - 0.5) * 2 + 0.25 = 1.25.
// CHECK-LABEL: func.func @fold
// CHECK-NOT: kconv.batch_norm
// CHECK: %[[K:.*]] = arith.constant dense_resource<conv.kernel_bn> : tensor<1x1x1x2xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<conv.bias_bn> : tensor<2xf32>
// CHECK: kconv.conv2d %arg0, %[[K]], %[[B]] {activation = #kconv.activation<linear>
// CHECK-SAME: use_bias = true
func.func @fold(%x: tensor<?x2x2x1xf32>) -> tensor<?x2x2x2xf32> {
  %k = arith.constant dense<1.0> : tensor<1x1x1x2xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %gamma = arith.constant dense<4.0> : tensor<2xf32>
  %beta = arith.constant dense<0.25> : tensor<2xf32>
  %mean = arith.constant dense<0.5> : tensor<2xf32>
  %var = arith.constant dense<3.0> : tensor<2xf32>
  %c = kconv.conv2d %x, %k, %b {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = true} : (tensor<?x2x2x1xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>) -> tensor<?x2x2x2xf32> loc("conv")
  %n = kconv.batch_norm %c, %gamma, %beta, %mean, %var {axis = 3 : i64, center = true, epsilon = 1.0 : f64, scale = true} : (tensor<?x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x2xf32>
  return %n : tensor<?x2x2x2xf32>
}

// Not folded: the normalized axis is not the conv's channels, or the conv has an
// activation (the norm comes after it).
// CHECK-LABEL: func.func @no_fold
// CHECK-COUNT-2: kconv.batch_norm
// The folded weights, little-endian float32 after the blob's alignment word:
// 2.0 = 0x40000000, 1.25 = 0x3FA00000.
// CHECK: conv.kernel_bn: "0x040000000000004000000040"
// CHECK: conv.bias_bn: "0x040000000000A03F0000A03F"
func.func @no_fold(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %k = arith.constant dense<1.0> : tensor<1x1x1x2xf32>
  %v = arith.constant dense<1.0> : tensor<2xf32>
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x2x2x1xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %n = kconv.batch_norm %c, %v, %v, %v, %v {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %d = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x2x2x1xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %w = arith.constant dense<1.0> : tensor<2xf32>
  %m = kconv.batch_norm %d, %w, %w, %w, %w {axis = 2 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %n, %m : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
