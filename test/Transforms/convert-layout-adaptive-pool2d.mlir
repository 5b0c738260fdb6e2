// RUN: kconv-opt %s --kconv-convert-layout | FileCheck %s

// A channels_first adaptive pooling is computed channels_last between two transposes,
// its output size unchanged (it is (height, width) in either layout).
// CHECK-LABEL: func.func @adaptive
// CHECK: %[[IN:.*]] = kconv.transpose %arg0 {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x9x11xf32>) -> tensor<?x9x11x3xf32>
// CHECK: %[[P:.*]] = kconv.adaptive_pool2d %[[IN]] {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<average>, output_size = array<i64: 4, 2>} : (tensor<?x9x11x3xf32>) -> tensor<?x4x2x3xf32>
// CHECK: %[[OUT:.*]] = kconv.transpose %[[P]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x4x2x3xf32>) -> tensor<?x3x4x2xf32>
// CHECK: return %[[OUT]]
func.func @adaptive(%x: tensor<?x3x9x11xf32>) -> tensor<?x3x4x2xf32> {
  %p = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_first>, kind = #kconv.pool_kind<average>, output_size = array<i64: 4, 2>} : (tensor<?x3x9x11xf32>) -> tensor<?x3x4x2xf32>
  return %p : tensor<?x3x4x2xf32>
}
