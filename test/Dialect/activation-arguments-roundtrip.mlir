// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.activation with keras.ops's arguments prints and parses back: gelu's tanh form,
// threshold with its default value in alpha, celu's alpha, squareplus's b.

// CHECK-LABEL: func.func @arguments
func.func @arguments(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  // CHECK: kconv.activation %{{.*}} {activation = #kconv.activation<gelu_tanh>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = kconv.activation %x {activation = #kconv.activation<gelu_tanh>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kconv.activation %{{.*}} {activation = #kconv.activation<threshold>, alpha = -2.000000e+00 : f64, threshold = 1.000000e-01 : f64}
  %b = kconv.activation %x {activation = #kconv.activation<threshold>, threshold = 0.1 : f64, alpha = -2.0 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kconv.activation %{{.*}} {activation = #kconv.activation<celu>, alpha = 2.000000e+00 : f64}
  %c = kconv.activation %x {activation = #kconv.activation<celu>, alpha = 2.0 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  // CHECK: kconv.activation %{{.*}} {activation = #kconv.activation<squareplus>, alpha = 1.000000e+00 : f64}
  %d = kconv.activation %x {activation = #kconv.activation<squareplus>, alpha = 1.0 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %a, %b, %c, %d : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}
