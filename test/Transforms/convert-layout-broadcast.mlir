// RUN: kconv-opt %s --kconv-convert-layout | FileCheck %s
// Merges with broadcast operands between channels_first layers are computed
// channels_last: a small operand with no channels_last form is expanded to rank 4
// after the batch (as Keras's Merge.call does) and transposed; the feature map is
// not transposed back and forth.

// Squeeze-and-excite with a Reshape to (C, 1, 1): the scale is transposed, not the map.
// CHECK-LABEL: func.func @squeeze_excite
// CHECK: %[[C:.*]] = kconv.conv2d {{.*}} -> tensor<?x6x5x8xf32>
// CHECK: %[[R:.*]] = kconv.reshape %arg1 {{.*}} -> tensor<?x8x1x1xf32>
// CHECK: %[[S:.*]] = kconv.transpose %[[R]] {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x8x1x1xf32>) -> tensor<?x1x1x8xf32>
// CHECK: %[[M:.*]] = kconv.merge %[[S]], %[[C]] {kind = #kconv.merge_kind<multiply>} : (tensor<?x1x1x8xf32>, tensor<?x6x5x8xf32>) -> tensor<?x6x5x8xf32>
// CHECK: kconv.conv2d %[[M]], {{.*}}channels_last
func.func @squeeze_excite(%x: tensor<?x8x6x5xf32>, %s: tensor<?x8xf32>, %k: tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x8x6x5xf32>, tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32>
  %r = kconv.reshape %s {shape = array<i64: 8, 1, 1>} : (tensor<?x8xf32>) -> tensor<?x8x1x1xf32>
  %m = kconv.merge %r, %c {kind = #kconv.merge_kind<multiply>} : (tensor<?x8x1x1xf32>, tensor<?x8x6x5xf32>) -> tensor<?x8x6x5xf32>
  %d = kconv.conv2d %m, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x8x6x5xf32>, tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32>
  return %d : tensor<?x8x6x5xf32>
}

// Lower ranks: (N, W) is (N, 1, 1, W) channels_first, (N, 1, W, 1) channels_last;
// (N, H, W) is (N, 1, H, W), then (N, H, W, 1).
// CHECK-LABEL: func.func @rank_difference
// CHECK-DAG: %[[R2:.*]] = kconv.reshape %arg1 {shape = array<i64: 1, 1, 5>} : (tensor<?x5xf32>) -> tensor<?x1x1x5xf32>
// CHECK-DAG: %[[T2:.*]] = kconv.transpose %[[R2]] {{.*}} -> tensor<?x1x5x1xf32>
// CHECK-DAG: %[[R3:.*]] = kconv.reshape %arg2 {shape = array<i64: 1, 6, 5>} : (tensor<?x6x5xf32>) -> tensor<?x1x6x5xf32>
// CHECK-DAG: %[[T3:.*]] = kconv.transpose %[[R3]] {{.*}} -> tensor<?x6x5x1xf32>
// CHECK: %[[C:.*]] = kconv.conv2d {{.*}} -> tensor<?x6x5x8xf32>
// CHECK: %[[A:.*]] = kconv.merge %[[C]], %[[T2]] {kind = #kconv.merge_kind<add>} : (tensor<?x6x5x8xf32>, tensor<?x1x5x1xf32>) -> tensor<?x6x5x8xf32>
// CHECK: kconv.merge %[[T3]], %[[A]] {kind = #kconv.merge_kind<subtract>} : (tensor<?x6x5x1xf32>, tensor<?x6x5x8xf32>) -> tensor<?x6x5x8xf32>
func.func @rank_difference(%x: tensor<?x8x6x5xf32>, %w: tensor<?x5xf32>, %hw: tensor<?x6x5xf32>, %k: tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x8x6x5xf32>, tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32>
  %a = kconv.merge %c, %w {kind = #kconv.merge_kind<add>} : (tensor<?x8x6x5xf32>, tensor<?x5xf32>) -> tensor<?x8x6x5xf32>
  %b = kconv.merge %hw, %a {kind = #kconv.merge_kind<subtract>} : (tensor<?x6x5xf32>, tensor<?x8x6x5xf32>) -> tensor<?x8x6x5xf32>
  return %b : tensor<?x8x6x5xf32>
}

// An operand as large as the result, with no channels_last form, keeps the merge
// channels_first (transposing it would cost as much as transposing the result).
// CHECK-LABEL: func.func @full_size_operand
// CHECK: %[[C:.*]] = kconv.conv2d
// CHECK: %[[BACK:.*]] = kconv.transpose %[[C]] {permutation = array<i64: 0, 3, 1, 2>}
// CHECK: kconv.merge %[[BACK]], %arg1 {{.*}} : (tensor<?x8x6x5xf32>, tensor<?x8x6x5xf32>) -> tensor<?x8x6x5xf32>
func.func @full_size_operand(%x: tensor<?x8x6x5xf32>, %y: tensor<?x8x6x5xf32>, %k: tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x8x6x5xf32>, tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32>
  %a = kconv.merge %c, %y {kind = #kconv.merge_kind<add>} : (tensor<?x8x6x5xf32>, tensor<?x8x6x5xf32>) -> tensor<?x8x6x5xf32>
  return %a : tensor<?x8x6x5xf32>
}

// Two merges reading one small operand share its channels_last form.
// CHECK-LABEL: func.func @shared_scale
// CHECK: kconv.reshape %arg1
// CHECK-NEXT: %[[S:.*]] = kconv.transpose
// CHECK-NOT: kconv.transpose {{.*}}tensor<?x8x1x1xf32>
// CHECK: kconv.merge %[[S]], {{.*}}multiply
// CHECK-NOT: kconv.transpose {{.*}}tensor<?x8x1x1xf32>
// CHECK: kconv.merge {{.*}}, %[[S]] {{.*}}add
func.func @shared_scale(%x: tensor<?x8x6x5xf32>, %s: tensor<?x8xf32>, %k: tensor<1x1x8x8xf32>) -> (tensor<?x8x6x5xf32>, tensor<?x8x6x5xf32>) {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x8x6x5xf32>, tensor<1x1x8x8xf32>) -> tensor<?x8x6x5xf32>
  %r = kconv.reshape %s {shape = array<i64: 8, 1, 1>} : (tensor<?x8xf32>) -> tensor<?x8x1x1xf32>
  %m = kconv.merge %r, %c {kind = #kconv.merge_kind<multiply>} : (tensor<?x8x1x1xf32>, tensor<?x8x6x5xf32>) -> tensor<?x8x6x5xf32>
  %a = kconv.merge %c, %r {kind = #kconv.merge_kind<add>} : (tensor<?x8x6x5xf32>, tensor<?x8x1x1xf32>) -> tensor<?x8x6x5xf32>
  return %m, %a : tensor<?x8x6x5xf32>, tensor<?x8x6x5xf32>
}
