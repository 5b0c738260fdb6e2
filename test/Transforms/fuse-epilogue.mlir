// RUN: kconv-opt %s --kconv-fuse-epilogue | FileCheck %s

// conv -> Add(shortcut) -> ReLU becomes one conv2d with a residual and relu.
// CHECK-LABEL: func.func @residual_block
// CHECK-NOT: kconv.merge
// CHECK-NOT: kconv.activation
// CHECK: %[[C:.*]] = kconv.conv2d %arg0, %arg1 residual %arg0 {activation = #kconv.activation<relu>
// CHECK: return %[[C]]
func.func @residual_block(%x: tensor<?x4x4x2xf32>, %k: tensor<3x3x2x2xf32>) -> tensor<?x4x4x2xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x4x4x2xf32>, tensor<3x3x2x2xf32>) -> tensor<?x4x4x2xf32>
  %a = kconv.merge %x, %c {kind = #kconv.merge_kind<add>} : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  %r = kconv.activation %a {activation = #kconv.activation<relu>} : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  return %r : tensor<?x4x4x2xf32>
}

// The shortcut is computed after the conv: the conv moves down to the Add.
// CHECK-LABEL: func.func @later_shortcut
// CHECK: %[[S:.*]] = kconv.activation %arg0 {activation = #kconv.activation<tanh>}
// CHECK: kconv.conv2d %arg0, %arg1 residual %[[S]]
func.func @later_shortcut(%x: tensor<1x4x4x2xf32>, %k: tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %s = kconv.activation %x {activation = #kconv.activation<tanh>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %a = kconv.merge %c, %s {kind = #kconv.merge_kind<add>} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %a : tensor<1x4x4x2xf32>
}

// Not fused: a conv with another user, a ReLU with arguments, a conv with its own
// activation before an Add. Dense takes a plain activation.
// CHECK-LABEL: func.func @not_fused
// CHECK: kconv.merge
// CHECK: kconv.activation {{.*}}max_value
// CHECK: kconv.dense {{.*}}activation = #kconv.activation<softmax>
func.func @not_fused(%x: tensor<1x4x4x2xf32>, %k: tensor<1x1x2x2xf32>, %w: tensor<2x3xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %a = kconv.merge %c, %x {kind = #kconv.merge_kind<add>} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %d = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %r = kconv.activation %d {activation = #kconv.activation<relu>, max_value = 2.0 : f64} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %e = kconv.dense %a, %w {activation = #kconv.activation<linear>, units = 3 : i64, use_bias = false} : (tensor<1x4x4x2xf32>, tensor<2x3xf32>) -> tensor<1x4x4x3xf32>
  %s = kconv.activation %e {activation = #kconv.activation<softmax>} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return %a, %r, %s : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>
}

// sparsemax and glu stay activations of their own: convolutions and Dense compute
// element-wise activations and softmax only.
// CHECK-LABEL: func.func @along_axis_not_fused
// CHECK: kconv.conv2d {{.*}}activation = #kconv.activation<linear>
// CHECK: kconv.activation {{.*}}activation<sparsemax>
// CHECK: kconv.dense {{.*}}activation = #kconv.activation<linear>
// CHECK: kconv.activation {{.*}}activation<glu>
func.func @along_axis_not_fused(%x: tensor<1x4x4x2xf32>, %k: tensor<1x1x2x2xf32>, %w: tensor<2x4xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %s = kconv.activation %c {activation = #kconv.activation<sparsemax>, axis = 3 : i64} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %e = kconv.dense %x, %w {activation = #kconv.activation<linear>, units = 4 : i64, use_bias = false} : (tensor<1x4x4x2xf32>, tensor<2x4xf32>) -> tensor<1x4x4x4xf32>
  %g = kconv.activation %e {activation = #kconv.activation<glu>, axis = 3 : i64} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %s, %g : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}
