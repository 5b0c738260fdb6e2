// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// Every Keras layer op prints and parses back with its attributes.

// CHECK-LABEL: func.func @dense_and_batch_norm
func.func @dense_and_batch_norm(%x: tensor<?x3x5xf32>, %k: tensor<5x4xf32>, %b: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<?x3x4xf32> {
  // CHECK: kconv.dense %{{.*}}, %{{.*}}, %{{.*}} {activation = #kconv.activation<tanh>, units = 4 : i64, use_bias = true} : (tensor<?x3x5xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
  %y = kconv.dense %x, %k, %b {activation = #kconv.activation<tanh>, units = 4 : i64, use_bias = true} : (tensor<?x3x5xf32>, tensor<5x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
  // CHECK: kconv.batch_norm {{.*}} {axis = 2 : i64, center = false, epsilon = 1.000000e-03 : f64, scale = true}
  %z = kconv.batch_norm %y, %v, %v, %v, %v {axis = 2 : i64, center = false, epsilon = 1.0e-3 : f64, scale = true} : (tensor<?x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
  return %z : tensor<?x3x4xf32>
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x7x9x3xf32>) -> (tensor<1x4x5x3xf32>, tensor<1x3xf32>, tensor<1x3x1x1xf32>) {
  // CHECK: kconv.pool2d %{{.*}} {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<average>, padding = #kconv.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>}
  %p = kconv.pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<average>, padding = #kconv.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x7x9x3xf32>) -> tensor<1x4x5x3xf32>
  // CHECK: kconv.global_pool2d %{{.*}} {data_format = #kconv.data_format<channels_last>, keepdims = false, kind = #kconv.pool_kind<max>}
  %g = kconv.global_pool2d %x {data_format = #kconv.data_format<channels_last>, keepdims = false, kind = #kconv.pool_kind<max>} : (tensor<1x7x9x3xf32>) -> tensor<1x3xf32>
  // CHECK: kconv.global_pool2d %{{.*}} {data_format = #kconv.data_format<channels_first>, keepdims = true{{.*}} -> tensor<1x7x1x1xf32>
  // CHECK: kconv.transpose %{{.*}} {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x7x1x1xf32>) -> tensor<1x1x1x7xf32>
  // CHECK: kconv.reshape %{{.*}} {shape = array<i64: 3, 1, 1>}
  %k = kconv.global_pool2d %x {data_format = #kconv.data_format<channels_first>, keepdims = true, kind = #kconv.pool_kind<average>} : (tensor<1x7x9x3xf32>) -> tensor<1x7x1x1xf32>
  %t = kconv.transpose %k {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x7x1x1xf32>) -> tensor<1x1x1x7xf32>
  %r = kconv.reshape %g {shape = array<i64: 3, 1, 1>} : (tensor<1x3xf32>) -> tensor<1x3x1x1xf32>
  return %p, %g, %r : tensor<1x4x5x3xf32>, tensor<1x3xf32>, tensor<1x3x1x1xf32>
}

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<2x6xf32>, %a: tensor<6xf32>) -> (tensor<2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>) {
  // CHECK: kconv.activation %{{.*}} {activation = #kconv.activation<relu>, max_value = 6.500000e+00 : f64, negative_slope = 1.000000e-01 : f64, threshold = -2.500000e-01 : f64}
  %r = kconv.activation %x {activation = #kconv.activation<relu>, max_value = 6.5 : f64, negative_slope = 0.1 : f64, threshold = -0.25 : f64} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  // CHECK: kconv.activation %{{.*}} {activation = #kconv.activation<softmax>, axis = 1 : i64}
  %s = kconv.activation %r {activation = #kconv.activation<softmax>, axis = 1 : i64} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  // CHECK: kconv.prelu %{{.*}}, %{{.*}} : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  %p = kconv.prelu %s, %a : (tensor<2x6xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  // CHECK: kconv.rescale %{{.*}} {offset = -1.000000e+00 : f64, scale = 3.906250e-03 : f64}
  %q = kconv.rescale %p {offset = -1.0 : f64, scale = 0.00390625 : f64} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  // CHECK: kconv.identity %{{.*}} {layer_class = "Dropout"}
  %i = kconv.identity %q {layer_class = "Dropout"} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  return %r, %s, %i : tensor<2x6xf32>, tensor<2x6xf32>, tensor<2x6xf32>
}

// CHECK-LABEL: func.func @merges_and_spatial
func.func @merges_and_spatial(%x: tensor<?x4x4x2xf32>, %y: tensor<?x4x4x2xf32>) -> tensor<?x8x4x4xf32> {
  // CHECK: kconv.merge %{{.*}}, %{{.*}}, %{{.*}} {kind = #kconv.merge_kind<average>}
  %m = kconv.merge %x, %y, %x {kind = #kconv.merge_kind<average>} : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  // CHECK: kconv.concatenate %{{.*}}, %{{.*}} {axis = 3 : i64} : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) -> tensor<?x4x4x4xf32>
  %c = kconv.concatenate %m, %y {axis = 3 : i64} : (tensor<?x4x4x2xf32>, tensor<?x4x4x2xf32>) -> tensor<?x4x4x4xf32>
  // CHECK: kconv.zero_pad2d %{{.*}} {data_format = #kconv.data_format<channels_last>, padding = array<i64: 1, 2, 0, 3>}
  %p = kconv.zero_pad2d %c {data_format = #kconv.data_format<channels_last>, padding = array<i64: 1, 2, 0, 3>} : (tensor<?x4x4x4xf32>) -> tensor<?x7x7x4xf32>
  // CHECK: kconv.crop2d %{{.*}} {cropping = array<i64: 1, 2, 3, 2>, data_format = #kconv.data_format<channels_last>}
  %q = kconv.crop2d %p {cropping = array<i64: 1, 2, 3, 2>, data_format = #kconv.data_format<channels_last>} : (tensor<?x7x7x4xf32>) -> tensor<?x4x2x4xf32>
  // CHECK: kconv.upsample2d %{{.*}} {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.interpolation<bilinear>, size = array<i64: 2, 2>}
  %u = kconv.upsample2d %q {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.interpolation<bilinear>, size = array<i64: 2, 2>} : (tensor<?x4x2x4xf32>) -> tensor<?x8x4x4xf32>
  return %u : tensor<?x8x4x4xf32>
}

// CHECK-LABEL: func.func @transpose_conv
func.func @transpose_conv(%x: tensor<?x5x5x4xf32>, %k: tensor<3x3x6x4xf32>, %b: tensor<6xf32>) -> tensor<?x10x10x6xf32> {
  // CHECK: kconv.conv2d_transpose %{{.*}}, %{{.*}}, %{{.*}} {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 6 : i64, kernel_size = array<i64: 3, 3>, output_padding = array<i64: 1, 1>, padding = #kconv.padding<same>, strides = array<i64: 2, 2>, use_bias = true}
  %y = kconv.conv2d_transpose %x, %k, %b {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 6 : i64, kernel_size = array<i64: 3, 3>, output_padding = array<i64: 1, 1>, padding = #kconv.padding<same>, strides = array<i64: 2, 2>, use_bias = true} : (tensor<?x5x5x4xf32>, tensor<3x3x6x4xf32>, tensor<6xf32>) -> tensor<?x10x10x6xf32>
  return %y : tensor<?x10x10x6xf32>
}
