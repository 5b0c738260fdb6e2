// RUN: kconv-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// kconv.discretization prints and parses back and keeps its input's shape; its
// boundaries must not decrease and hold no NaN.

// CHECK-LABEL: func.func @discretization
func.func @discretization(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: kconv.discretization %{{.*}} {bin_boundaries = array<f64: -5.000000e-01, 0.000000e+00, 0.000000e+00, 1.500000e+00>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %y = kconv.discretization %x {bin_boundaries = array<f64: -0.5, 0.0, 0.0, 1.5>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @decreasing(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'bin_boundaries' must not decrease: 1.000000e+00 then 5.000000e-01}}
  %y = kconv.discretization %x {bin_boundaries = array<f64: 1.0, 0.5>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{result shape (?, 5) does not match the inferred shape (?, 4)}}
  %y = kconv.discretization %x {bin_boundaries = array<f64: 1.0>} : (tensor<?x4xf32>) -> tensor<?x5xf32>
  return
}
