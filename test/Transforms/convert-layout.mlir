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

// A fused softmax runs over the width of a channels_first conv: it becomes an
// activation of its own over the width (axis 2 of NHWC), the conv a linear
// channels_last one.
// CHECK-LABEL: func.func @softmax_conv
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT: %[[C:.*]] = kconv.conv2d %[[IN]], %arg1 {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>
// CHECK-NEXT: %[[SM:.*]] = kconv.activation %[[C]] {activation = #kconv.activation<softmax>, axis = 2 : i64} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK-NEXT: %[[OUT:.*]] = kconv.transpose %[[SM]] {permutation = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: return %[[OUT]]
func.func @softmax_conv(%x: tensor<1x2x4x4xf32>, %k: tensor<1x1x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<softmax>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x2x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}

// Layout-free layers between channels_first convolutions: the transposes move below
// them and cancel, and their axes are renumbered (channels: 1 -> 3).
// CHECK-LABEL: func.func @layout_free_between_convs
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>}
// CHECK-NOT: kconv.transpose
// CHECK: %[[A:.*]] = kconv.conv2d %[[IN]], {{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[BN:.*]] = kconv.batch_norm %[[A]], {{.*}}axis = 3 : i64{{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[R:.*]] = kconv.activation %[[BN]] {activation = #kconv.activation<relu>} : (tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[S:.*]] = kconv.rescale %[[R]] {{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[B:.*]] = kconv.conv2d %[[S]], {{.*}} -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[M:.*]] = kconv.merge %[[B]], %[[R]] {kind = #kconv.merge_kind<add>} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) -> tensor<?x6x6x4xf32>
// CHECK-NEXT: %[[CAT:.*]] = kconv.concatenate %[[M]], %[[A]] {axis = 3 : i64} : (tensor<?x6x6x4xf32>, tensor<?x6x6x4xf32>) -> tensor<?x6x6x8xf32>
// CHECK-NEXT: %[[SM:.*]] = kconv.activation %[[CAT]] {activation = #kconv.activation<softmax>, axis = 3 : i64}
// CHECK-NEXT: %[[OUT:.*]] = kconv.transpose %[[SM]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x6x6x8xf32>) -> tensor<?x8x6x6xf32>
// CHECK-NEXT: return %[[OUT]]
func.func @layout_free_between_convs(%x: tensor<?x3x6x6xf32>, %k: tensor<3x3x3x4xf32>, %k2: tensor<3x3x4x4xf32>, %v: tensor<4xf32>) -> tensor<?x8x6x6xf32> {
  %a = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x3x6x6xf32>, tensor<3x3x3x4xf32>) -> tensor<?x4x6x6xf32>
  %bn = kconv.batch_norm %a, %v, %v, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x6x6xf32>
  %r = kconv.activation %bn {activation = #kconv.activation<relu>} : (tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  %s = kconv.rescale %r {offset = 0.5 : f64, scale = 2.0 : f64} : (tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  %b = kconv.conv2d %s, %k2 {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x4x6x6xf32>, tensor<3x3x4x4xf32>) -> tensor<?x4x6x6xf32>
  %m = kconv.merge %b, %r {kind = #kconv.merge_kind<add>} : (tensor<?x4x6x6xf32>, tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  %cat = kconv.concatenate %m, %a {axis = 1 : i64} : (tensor<?x4x6x6xf32>, tensor<?x4x6x6xf32>) -> tensor<?x8x6x6xf32>
  %sm = kconv.activation %cat {activation = #kconv.activation<softmax>, axis = 1 : i64} : (tensor<?x8x6x6xf32>) -> tensor<?x8x6x6xf32>
  return %sm : tensor<?x8x6x6xf32>
}

// A residual Add of a converted layer and the channels_first model input: the input is
// available channels_last already (the convolution reads it so), and the Add moves
// there too. A second input, never transposed, keeps its Add channels_first.
// CHECK-LABEL: func.func @merge_with_model_input
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT: %[[C:.*]] = kconv.conv2d %[[IN]]
// CHECK-NEXT: %[[ADD:.*]] = kconv.merge %[[C]], %[[IN]] {kind = #kconv.merge_kind<add>} : (tensor<?x8x6x4xf32>, tensor<?x8x6x4xf32>) -> tensor<?x8x6x4xf32>
// CHECK-NEXT: %[[BACK:.*]] = kconv.transpose %[[ADD]] {permutation = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: %[[MUL:.*]] = kconv.merge %[[BACK]], %arg1 {kind = #kconv.merge_kind<multiply>} : (tensor<?x4x8x6xf32>, tensor<?x4x8x6xf32>) -> tensor<?x4x8x6xf32>
// CHECK-NEXT: return %[[MUL]]
func.func @merge_with_model_input(%x: tensor<?x4x8x6xf32>, %y: tensor<?x4x8x6xf32>, %k: tensor<1x1x4x4xf32>) -> tensor<?x4x8x6xf32> {
  %a = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x4x8x6xf32>, tensor<1x1x4x4xf32>) -> tensor<?x4x8x6xf32>
  %m = kconv.merge %a, %x {kind = #kconv.merge_kind<add>} : (tensor<?x4x8x6xf32>, tensor<?x4x8x6xf32>) -> tensor<?x4x8x6xf32>
  %p = kconv.merge %m, %y {kind = #kconv.merge_kind<multiply>} : (tensor<?x4x8x6xf32>, tensor<?x4x8x6xf32>) -> tensor<?x4x8x6xf32>
  return %p : tensor<?x4x8x6xf32>
}

// PReLU between channels_first layers: its alpha (channels, rows, 1 column shared) is
// transposed with it into a new constant (rows, 1, channels).
// CHECK-LABEL: func.func @prelu_between_convs
// CHECK: %[[ALPHA:.*]] = arith.constant dense_resource<{{.*}}alpha_channels_last> : tensor<3x1x2xf32>
// CHECK: %[[IN:.*]] = kconv.transpose %arg0
// CHECK-NEXT: %[[C:.*]] = kconv.conv2d %[[IN]]
// CHECK-NEXT: %[[P:.*]] = kconv.prelu %[[C]], %[[ALPHA]] : (tensor<?x3x4x2xf32>, tensor<3x1x2xf32>) -> tensor<?x3x4x2xf32>
// CHECK-NEXT: kconv.conv2d %[[P]]
// The new alpha's floats, (row, channel) order: 1 4 2 5 3 6 (this function is the last,
// the resources follow it).
// CHECK: alpha_channels_last: "0x040000000000803F00008040000000400000A040000040400000C040"
func.func @prelu_between_convs(%x: tensor<?x2x3x4xf32>, %k: tensor<1x1x2x2xf32>) -> tensor<?x2x3x4xf32> {
  %alpha = arith.constant dense<[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]]> : tensor<2x3x1xf32>
  %a = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x2x3x4xf32>, tensor<1x1x2x2xf32>) -> tensor<?x2x3x4xf32>
  %p = kconv.prelu %a, %alpha : (tensor<?x2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<?x2x3x4xf32>
  %b = kconv.conv2d %p, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x2x3x4xf32>, tensor<1x1x2x2xf32>) -> tensor<?x2x3x4xf32>
  return %b : tensor<?x2x3x4xf32>
}
