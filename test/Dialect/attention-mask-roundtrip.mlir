// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.attention_mask prints and parses back with any subset of its masks: the Keras
// masks of the query and the value (Embedding ids), of the key, the attention_mask
// input, and causal alone; zero_masked (on probabilities) too.

// CHECK-LABEL: func.func @masks
func.func @masks(%s: tensor<?x2x5x7xf32>, %q: tensor<?x5xf32>, %v: tensor<?x7xf32>, %k: tensor<?x7xf32>, %m: tensor<?x5x7xf32>) -> (tensor<?x2x5x7xf32>, tensor<?x2x5x7xf32>, tensor<?x2x5x7xf32>) {
  // CHECK: kconv.attention_mask %{{.*}} query(%{{.*}}) value(%{{.*}}) {causal = false, zero_masked = false} : (tensor<?x2x5x7xf32>, tensor<?x5xf32>, tensor<?x7xf32>) -> tensor<?x2x5x7xf32>
  %a = kconv.attention_mask %s query(%q) value(%v) {causal = false, zero_masked = false} : (tensor<?x2x5x7xf32>, tensor<?x5xf32>, tensor<?x7xf32>) -> tensor<?x2x5x7xf32>
  // CHECK: kconv.attention_mask %{{.*}} key(%{{.*}}) attention(%{{.*}}) {causal = true, zero_masked = false} : (tensor<?x2x5x7xf32>, tensor<?x7xf32>, tensor<?x5x7xf32>) -> tensor<?x2x5x7xf32>
  %b = kconv.attention_mask %s key(%k) attention(%m) {causal = true, zero_masked = false} : (tensor<?x2x5x7xf32>, tensor<?x7xf32>, tensor<?x5x7xf32>) -> tensor<?x2x5x7xf32>
  // CHECK: kconv.attention_mask %{{.*}} {causal = true, zero_masked = false} : (tensor<?x2x5x7xf32>) -> tensor<?x2x5x7xf32>
  %c = kconv.attention_mask %s {causal = true, zero_masked = false} : (tensor<?x2x5x7xf32>) -> tensor<?x2x5x7xf32>
  // CHECK: kconv.attention_mask %{{.*}} value(%{{.*}}) {causal = false, zero_masked = true} : (tensor<?x2x5x7xf32>, tensor<?x7xf32>) -> tensor<?x2x5x7xf32>
  %d = kconv.attention_mask %s value(%v) {causal = false, zero_masked = true} : (tensor<?x2x5x7xf32>, tensor<?x7xf32>) -> tensor<?x2x5x7xf32>
  return %a, %b, %d : tensor<?x2x5x7xf32>, tensor<?x2x5x7xf32>, tensor<?x2x5x7xf32>
}
