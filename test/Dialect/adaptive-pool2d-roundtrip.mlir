// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.adaptive_pool2d prints and parses back, average and max, both data formats.

// CHECK-LABEL: func.func @adaptive_pool2d
func.func @adaptive_pool2d(%x: tensor<?x10x7x16xf32>, %y: tensor<2x16x10x7xf32>) -> (tensor<?x3x3x16xf32>, tensor<2x16x12x9xf32>) {
  // CHECK: kconv.adaptive_pool2d %{{.*}} {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<average>, output_size = array<i64: 3, 3>} : (tensor<?x10x7x16xf32>) -> tensor<?x3x3x16xf32>
  %a = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<average>, output_size = array<i64: 3, 3>} : (tensor<?x10x7x16xf32>) -> tensor<?x3x3x16xf32>
  // CHECK: kconv.adaptive_pool2d %{{.*}} {data_format = #kconv.data_format<channels_first>, kind = #kconv.pool_kind<max>, output_size = array<i64: 12, 9>} : (tensor<2x16x10x7xf32>) -> tensor<2x16x12x9xf32>
  %b = kconv.adaptive_pool2d %y {data_format = #kconv.data_format<channels_first>, kind = #kconv.pool_kind<max>, output_size = array<i64: 12, 9>} : (tensor<2x16x10x7xf32>) -> tensor<2x16x12x9xf32>
  return %a, %b : tensor<?x3x3x16xf32>, tensor<2x16x12x9xf32>
}
