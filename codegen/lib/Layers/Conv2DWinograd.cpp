// THE ALGORITHM of a Conv2D computed by Winograd's minimal filtering F(m x m, 3 x 3)
// (no scheduling here; Conv2DWinogradSchedule.cpp schedules it). Each m x m tile of
// outputs reads an (m+2) x (m+2) input tile d; with the transform matrices B, G, A:
//   V = B^T d B (per input channel), U = G g G^T (per filter and channel, computed here
//   at compile time in double precision), M = sum over channels of U . V (one product
//   per transformed tap), Y = A^T M A.
// F(2, 3) does 16 multiplies per tile and channel pair where the direct form does 36;
// F(4, 3) 36 where it does 144. A 1x3 kernel (Conv1D) is transformed along the columns
// only: F(1 x m, 1 x 3), the rows' matrices the identity. The matrices are those of
// Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks" (2016), with
// interpolation points 0, -1, 1 (F(2, 3)) and 0, +-1, +-2 (F(4, 3)), computing Keras's
// correlation.
#include "Conv2D.h"

#include <functional>

namespace kconv::codegen {

using namespace Halide;

namespace {
struct WinogradMatrices {
  int m, alpha;
  std::vector<std::vector<double>> bt; // alpha x alpha: input transform B^T
  std::vector<std::vector<double>> g;  // alpha x 3: filter transform G
  std::vector<std::vector<double>> at; // m x alpha: output transform A^T
};

const WinogradMatrices &matrices(int m) {
  static const WinogradMatrices f2{2,
                                   4,
                                   {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
                                   {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}},
                                   {{1, 1, 1, 0}, {0, 1, -1, -1}}};
  static const WinogradMatrices f4{
      4,
      6,
      {{4, 0, -5, 0, 1, 0},
       {0, -4, -4, 1, 1, 0},
       {0, 4, -4, -1, 1, 0},
       {0, -2, -1, 2, 1, 0},
       {0, 2, -1, -2, 1, 0},
       {0, 4, 0, -5, 0, 1}},
      {{1.0 / 4, 0, 0},
       {-1.0 / 6, -1.0 / 6, -1.0 / 6},
       {-1.0 / 6, 1.0 / 6, -1.0 / 6},
       {1.0 / 24, 1.0 / 12, 1.0 / 6},
       {1.0 / 24, -1.0 / 12, 1.0 / 6},
       {0, 0, 1}},
      {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}}};
  return m == 4 ? f4 : f2;
}

/// The rows' transforms of a kernel of one row: nothing to transform.
const WinogradMatrices &identity() {
  static const WinogradMatrices one{1, 1, {{1}}, {{1}}, {{1}}};
  return one;
}

/// The matrices along the rows: F(m, 3)'s for a 3-row kernel, the identity for one row.
const WinogradMatrices &rowMatrices(const Conv2DLayer &layer, int m) {
  return winogradTileRows(layer, m) == 1 ? identity() : matrices(m);
}

/// sum_i row[i] * term(i) over the row's non-zero coefficients (the transforms are
/// sparse, mostly +-1: no multiply for those).
Expr combination(const std::vector<double> &row, const std::function<Expr(int)> &term) {
  Expr sum;
  for (size_t i = 0; i < row.size(); ++i) {
    double k = row[i];
    if (k == 0)
      continue;
    Expr t = term(int(i));
    if (k == -1)
      t = -t;
    else if (k != 1)
      t = t * float(k);
    sum = sum.defined() ? sum + t : t;
  }
  return sum;
}

/// One expression per row of `rows`, selected by `which` (a constant once the schedule
/// unrolls it, so the select folds away).
Expr perRow(Expr which, const std::vector<std::vector<double>> &rows,
            const std::function<Expr(int)> &term) {
  std::vector<Expr> cases;
  for (const std::vector<double> &row : rows)
    cases.push_back(combination(row, term));
  return mux(which, cases);
}
} // namespace

Buffer<float> winogradWeights(const Conv2DLayer &layer, int64_t inChannels, int m, int block) {
  const WinogradMatrices &w = matrices(m), &wy = rowMatrices(layer, m);
  int alpha = w.alpha, alphaY = wy.alpha, filters = int(layer.filters);
  int channels = int(inChannels), rows = int(layer.kernel[0]);
  // Keras's (KH, 3, Cin, F) row-major kernel; U(f, c, b, a) = sum Gy[a][i] g[i][j] G[b][j]
  // (a: the row frequency, b: the column's), stored in channel blocks as the direct
  // form's packed weights: (f % block, c, b, a, f / block).
  Buffer<float> packed({block, channels, alpha, alphaY, filters / block},
                       layer.name + "_kernel_winograd");
  const float *src = layer.kernelValues.data();
  auto g = [&](int ky, int kx, int c, int f) {
    return double(src[((size_t(ky) * 3 + kx) * channels + c) * filters + f]);
  };
  for (int f = 0; f < filters; ++f)
    for (int c = 0; c < channels; ++c)
      for (int a = 0; a < alphaY; ++a)
        for (int b = 0; b < alpha; ++b) {
          double sum = 0;
          for (int i = 0; i < rows; ++i)
            for (int j = 0; j < 3; ++j)
              sum += wy.g[a][i] * g(i, j, c, f) * w.g[b][j];
          packed(f % block, c, b, a, f / block) = float(sum);
        }
  return packed;
}

void defineWinogradConv(Conv2DFuncs &f, const Conv2DLayer &layer, const ImageInfo &in,
                        Func kernel, Func bias, int m) {
  const WinogradMatrices &w = matrices(m), &wy = rowMatrices(layer, m);
  int my = wy.m; // output rows of a tile: m, or 1 for a kernel of one row
  const std::string &name = layer.name;
  Var c = f.c, x = f.x, y = f.y, n = f.n;
  Var tx = f.tileX, ty = f.tileY, fx = f.freqX, fy = f.freqY, i = f.tapRow;
  f.winograd = m;
  f.winogradRows = my;
  // f.input is zero outside the image (defineConv2D): tiles past the output's edge read
  // past the input's.
  int left = (int)layer.padding[2], top = (int)layer.padding[0];
  // B^T d B in two passes: along the tile's columns, then its rows.
  f.inputRows = Func(name + "_winograd_in_rows");
  f.inputRows(c, fx, i, tx, ty, n) = perRow(fx, w.bt, [&](int j) {
    return f.input(c, tx * m + j - left, ty * my + i - top, n);
  });
  f.transformed = Func(name + "_winograd_in");
  f.transformed(c, fx, fy, tx, ty, n) =
      perRow(fy, wy.bt, [&](int r) { return f.inputRows(c, fx, r, tx, ty, n); });
  // One product over the input channels per transformed tap.
  f.r = RDom(0, (int)in.channels, name + "_r");
  f.products = Func(name + "_winograd_products");
  f.products(c, fx, fy, tx, ty, n) = 0.f;
  f.products(c, fx, fy, tx, ty, n) +=
      kernel(c, f.r.x, fx, fy) * f.transformed(f.r.x, fx, fy, tx, ty, n);
  // A^T M A, again in two passes; output (x, y) is (x % m, y % m) of tile (x / m, y / m).
  f.outputRows = Func(name + "_winograd_out_rows");
  f.outputRows(c, fx, i, tx, ty, n) =
      perRow(fx, w.at, [&](int b) { return f.products(c, b, i, tx, ty, n); });
  Expr col = x % m, tileCol = x / m, tileRow = y / my;
  Expr value = perRow(y % my, wy.at, [&](int a) {
    return f.outputRows(c, col, a, tileCol, tileRow, n);
  });
  f.conv = Func(name + "_conv");
  f.conv(c, x, y, n) = bias.defined() ? value + bias(c) : value;
}

} // namespace kconv::codegen
