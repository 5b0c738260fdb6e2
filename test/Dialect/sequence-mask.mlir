// RUN: kconv-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// kconv.sequence_mask (Keras Masking's mask): prints and parses back; (batch, steps)
// of a (batch, steps, features) input; other ranks are refused.

// CHECK-LABEL: func.func @mask
// CHECK: kconv.sequence_mask %{{.*}} {mask_value = 5.000000e-01 : f64} : (tensor<?x12x8xf32>) -> tensor<?x12xf32>
func.func @mask(%x: tensor<?x12x8xf32>) -> tensor<?x12xf32> {
  %m = kconv.sequence_mask %x {mask_value = 0.5 : f64} : (tensor<?x12x8xf32>) -> tensor<?x12xf32>
  return %m : tensor<?x12xf32>
}

// -----

func.func @rank(%x: tensor<?x12xf32>) {
  // expected-error @+1 {{the input}}
  %m = kconv.sequence_mask %x {mask_value = 0.0 : f64} : (tensor<?x12xf32>) -> tensor<?x12xf32>
  return
}
