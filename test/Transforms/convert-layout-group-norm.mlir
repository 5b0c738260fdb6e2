// RUN: kconv-opt %s --kconv-convert-layout | FileCheck %s
// kconv.group_norm between channels_first convolutions is computed channels_last with
// them: its channel axis 1 becomes 3 (its statistics span every other non-batch axis
// in either layout), and the transposes move below it and cancel.

// CHECK-LABEL: func.func @group_norm_between_convs
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>}
// CHECK-NOT: kconv.transpose
// CHECK: %[[A:.*]] = kconv.conv2d %[[IN]], {{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[G:.*]] = kconv.group_norm %[[A]], {{.*}}axis = 3 : i64{{.*}}groups = 2 : i64{{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[B:.*]] = kconv.conv2d %[[G]], {{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[OUT:.*]] = kconv.transpose %[[B]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x6x6x4xf32>) -> tensor<?x4x6x6xf32>
// CHECK-NEXT: return %[[OUT]]
func.func @group_norm_between_convs(%x: tensor<?x3x6x6xf32>, %k: tensor<3x3x3x4xf32>, %k2: tensor<3x3x4x4xf32>, %v: tensor<4xf32>) -> tensor<?x4x6x6xf32> {
  %a = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x3x6x6xf32>, tensor<3x3x3x4xf32>) -> tensor<?x4x6x6xf32>
  %g = kconv.group_norm %a, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 2 : i64, scale = true} : (tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
  %b = kconv.conv2d %g, %k2 {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x4x6x6xf32>, tensor<3x3x4x4xf32>) -> tensor<?x4x6x6xf32>
  return %b : tensor<?x4x6x6xf32>
}
