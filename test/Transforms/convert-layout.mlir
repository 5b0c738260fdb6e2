// RUN: kconv-opt %s --kconv-convert-layout | FileCheck %s

// Two channels_first layers in a row: transposes only at the model's boundary.
// CHECK-LABEL: func.func @two_layers
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x8x8xf32>) -> tensor<?x8x8x3xf32>
// CHECK: %[[C:.*]] = kconv.conv2d %[[IN]], {{.*}}data_format = #kconv.data_format<channels_last>{{.*}} -> tensor<?x8x8x4xf32>
// CHECK-NOT: kconv.transpose
// CHECK: %[[P:.*]] = kconv.pool2d %[[C]] {data_format = #kconv.data_format<channels_last>{{.*}} -> tensor<?x4x4x4xf32>
// CHECK: %[[OUT:.*]] = kconv.transpose %[[P]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK: return %[[OUT]]
func.func @two_layers(%x: tensor<?x3x8x8xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x4x4x4xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x3x8x8xf32>, tensor<3x3x3x4xf32>) -> tensor<?x4x8x8xf32>
  %p = kconv.pool2d %c {data_format = #kconv.data_format<channels_first>, kind = #kconv.pool_kind<max>, padding = #kconv.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>) -> tensor<?x4x4x4xf32>
  return %p : tensor<?x4x4x4xf32>
}

// A global pool without keepdims is (N, C) in either layout: no transpose back.
// CHECK-LABEL: func.func @global_pool
// CHECK: kconv.transpose %arg0
// CHECK: kconv.global_pool2d {{.*}}channels_last{{.*}} -> tensor<1x5xf32>
// CHECK-NEXT: return
func.func @global_pool(%x: tensor<1x5x3x3xf32>) -> tensor<1x5xf32> {
  %g = kconv.global_pool2d %x {data_format = #kconv.data_format<channels_first>, keepdims = false, kind = #kconv.pool_kind<average>} : (tensor<1x5x3x3xf32>) -> tensor<1x5xf32>
  return %g : tensor<1x5xf32>
}

// A fused softmax runs over the width of a channels_first conv: left as it is.
// CHECK-LABEL: func.func @softmax_conv
// CHECK-NOT: kconv.transpose
// CHECK: data_format = #kconv.data_format<channels_first>
func.func @softmax_conv(%x: tensor<1x2x4x4xf32>, %k: tensor<1x1x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<softmax>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x2x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}
