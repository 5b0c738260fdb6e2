// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// Merges broadcast their inputs as Keras's merge layers do: the batch sizes agree,
// the other axes are aligned from the last and a size of 1 stretches; an input of
// lower rank gains size-1 axes after the batch (Keras expands it at axis 1).

// A squeeze-and-excite scale (N, 1, 1, C) times the feature map, either order.
// CHECK-LABEL: func.func @squeeze_excite
// CHECK: kconv.merge {{.*}} : (tensor<?x8x8x16xf32>, tensor<?x1x1x16xf32>) -> tensor<?x8x8x16xf32>
// CHECK: kconv.merge {{.*}} : (tensor<?x1x1x16xf32>, tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
func.func @squeeze_excite(%x: tensor<?x8x8x16xf32>, %s: tensor<?x1x1x16xf32>) -> tensor<?x8x8x16xf32> {
  %a = kconv.merge %x, %s {kind = #kconv.merge_kind<multiply>} : (tensor<?x8x8x16xf32>, tensor<?x1x1x16xf32>) -> tensor<?x8x8x16xf32>
  %b = kconv.merge %s, %a {kind = #kconv.merge_kind<multiply>} : (tensor<?x1x1x16xf32>, tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
  return %b : tensor<?x8x8x16xf32>
}

// Lower ranks are right-aligned after the batch: (N, C) against (N, H, W, C), and
// (N, W, C) against (N, H, W, C).
// CHECK-LABEL: func.func @rank_difference
// CHECK: kconv.merge {{.*}} : (tensor<2x5x6x4xf32>, tensor<2x4xf32>) -> tensor<2x5x6x4xf32>
// CHECK: kconv.merge {{.*}} : (tensor<2x6x4xf32>, tensor<2x5x6x4xf32>) -> tensor<2x5x6x4xf32>
func.func @rank_difference(%x: tensor<2x5x6x4xf32>, %c: tensor<2x4xf32>, %w: tensor<2x6x4xf32>) -> tensor<2x5x6x4xf32> {
  %a = kconv.merge %x, %c {kind = #kconv.merge_kind<add>} : (tensor<2x5x6x4xf32>, tensor<2x4xf32>) -> tensor<2x5x6x4xf32>
  %b = kconv.merge %w, %a {kind = #kconv.merge_kind<subtract>} : (tensor<2x6x4xf32>, tensor<2x5x6x4xf32>) -> tensor<2x5x6x4xf32>
  return %b : tensor<2x5x6x4xf32>
}

// Both inputs stretch: (N, H, 1, C) and (N, 1, W, C) give (N, H, W, C); three inputs
// fold left; a batch-only input (N) broadcasts everywhere.
// CHECK-LABEL: func.func @both_stretch
// CHECK: kconv.merge {{.*}} -> tensor<?x5x6x4xf32>
// CHECK: kconv.merge {{.*}} -> tensor<?x5x6x4xf32>
// CHECK: kconv.merge {{.*}} -> tensor<?x5x6x4xf32>
func.func @both_stretch(%h: tensor<?x5x1x4xf32>, %w: tensor<?x1x6x4xf32>, %one: tensor<?x1x1x1xf32>, %n: tensor<?xf32>) -> tensor<?x5x6x4xf32> {
  %a = kconv.merge %h, %w {kind = #kconv.merge_kind<maximum>} : (tensor<?x5x1x4xf32>, tensor<?x1x6x4xf32>) -> tensor<?x5x6x4xf32>
  %b = kconv.merge %one, %h, %w {kind = #kconv.merge_kind<average>} : (tensor<?x1x1x1xf32>, tensor<?x5x1x4xf32>, tensor<?x1x6x4xf32>) -> tensor<?x5x6x4xf32>
  %c = kconv.merge %a, %b, %n {kind = #kconv.merge_kind<minimum>} : (tensor<?x5x6x4xf32>, tensor<?x5x6x4xf32>, tensor<?xf32>) -> tensor<?x5x6x4xf32>
  return %c : tensor<?x5x6x4xf32>
}

// A known batch meets an unknown one (never broadcast: both are the same at run time).
// CHECK-LABEL: func.func @known_batch
// CHECK: kconv.merge {{.*}} -> tensor<3x4x4x2xf32>
func.func @known_batch(%x: tensor<?x4x4x2xf32>, %s: tensor<3x1x1x2xf32>) -> tensor<3x4x4x2xf32> {
  %a = kconv.merge %x, %s {kind = #kconv.merge_kind<add>} : (tensor<?x4x4x2xf32>, tensor<3x1x1x2xf32>) -> tensor<3x4x4x2xf32>
  return %a : tensor<3x4x4x2xf32>
}

// Keras expands a lower rank after the batch: (2, 4) meets (2, 3, 4) as (2, 1, 4)
// (NumPy would align it with (3, 4) and reject it).
// CHECK-LABEL: func.func @expanded_after_batch
// CHECK: kconv.merge {{.*}} -> tensor<2x3x4xf32>
func.func @expanded_after_batch(%x: tensor<2x3x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x3x4xf32> {
  %a = kconv.merge %c, %x {kind = #kconv.merge_kind<add>} : (tensor<2x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %a : tensor<2x3x4xf32>
}
