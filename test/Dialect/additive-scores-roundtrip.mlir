// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.additive_scores prints and parses back with and without its weights.

// CHECK-LABEL: func.func @additive_scores
func.func @additive_scores(%q: tensor<?x5x4xf32>, %k: tensor<?x7x4xf32>, %w: tensor<4xf32>) -> (tensor<?x5x7xf32>, tensor<?x5x7xf32>) {
  // CHECK: kconv.additive_scores %{{.*}}, %{{.*}}, %{{.*}} {causal_mask = false, inner_scale = 1.000000e+00 : f64, outer_scale = 1.000000e+00 : f64} : (tensor<?x5x4xf32>, tensor<?x7x4xf32>, tensor<4xf32>) -> tensor<?x5x7xf32>
  %a = kconv.additive_scores %q, %k, %w {causal_mask = false, inner_scale = 1.0 : f64, outer_scale = 1.0 : f64} : (tensor<?x5x4xf32>, tensor<?x7x4xf32>, tensor<4xf32>) -> tensor<?x5x7xf32>
  // CHECK: kconv.additive_scores %{{.*}}, %{{.*}} {causal_mask = true, inner_scale = 5.000000e-01 : f64, outer_scale = 2.000000e+00 : f64} : (tensor<?x5x4xf32>, tensor<?x7x4xf32>) -> tensor<?x5x7xf32>
  %b = kconv.additive_scores %q, %k {causal_mask = true, inner_scale = 0.5 : f64, outer_scale = 2.0 : f64} : (tensor<?x5x4xf32>, tensor<?x7x4xf32>) -> tensor<?x5x7xf32>
  return %a, %b : tensor<?x5x7xf32>, tensor<?x5x7xf32>
}
