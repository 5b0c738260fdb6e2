// THE ALGORITHM of a Conv2D computed by Winograd's minimal filtering F(m x m, 3 x 3)
// (no scheduling here; Conv2DWinogradSchedule.cpp schedules it). Each m x m tile of
// outputs reads an (m+2) x (m+2) input tile d; with the transform matrices B, G, A:
//   V = B^T d B (per input channel), U = G g G^T (per filter and channel, computed here
//   at compile time in double precision), M = sum over channels of U . V (one product
//   per transformed tap), Y = A^T M A.
// F(2, 3) does 16 multiplies per tile and channel pair where the direct form does 36;
// F(4, 3) 36 where it does 144. The matrices are those of Lavin and Gray, "Fast
// Algorithms for Convolutional Neural Networks" (2016), with interpolation points
// 0, -1, 1 (F(2, 3)) and 0, +-1, +-2 (F(4, 3)), computing Keras's correlation.
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

/// One expression per row of `rows`, selected by `which` (unrolled by the schedule, so
/// the select folds away).
Expr perRow(Var which, const std::vector<std::vector<double>> &rows,
            const std::function<Expr(int)> &term) {
  std::vector<Expr> cases;
  for (const std::vector<double> &row : rows)
    cases.push_back(combination(row, term));
  return mux(which, cases);
}
} // namespace

int winogradTileSize(int m) { return matrices(m).alpha; }

Buffer<float> winogradWeights(const Conv2DLayer &layer, int64_t inChannels, int m, int block) {
  const WinogradMatrices &w = matrices(m);
  int alpha = w.alpha, filters = int(layer.filters), channels = int(inChannels);
  // Keras's (3, 3, Cin, F) row-major kernel; U(f, c, b, a) = sum G[a][i] g[i][j] G[b][j]
  // (a: the row frequency, b: the column's), stored in channel blocks as the direct
  // form's packed weights: (f % block, c, b, a, f / block).
  Buffer<float> packed({block, channels, alpha, alpha, filters / block},
                       layer.name + "_kernel_winograd");
  const float *src = layer.kernelValues.data();
  auto g = [&](int ky, int kx, int c, int f) {
    return double(src[((size_t(ky) * 3 + kx) * channels + c) * filters + f]);
  };
  for (int f = 0; f < filters; ++f)
    for (int c = 0; c < channels; ++c)
      for (int a = 0; a < alpha; ++a)
        for (int b = 0; b < alpha; ++b) {
          double sum = 0;
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
              sum += w.g[a][i] * g(i, j, c, f) * w.g[b][j];
          packed(f % block, c, b, a, f / block) = float(sum);
        }
  return packed;
}

void defineWinogradConv(Conv2DFuncs &f, const Conv2DLayer &layer, const ImageInfo &in,
                        Func kernel, Func bias, int m) {
  const WinogradMatrices &w = matrices(m);
  const std::string &name = layer.name;
  Var c = f.c, x = f.x, y = f.y, n = f.n;
  Var tx = f.tileX, ty = f.tileY, fx = f.freqX, fy = f.freqY, i = f.tapRow;
  f.winograd = m;
  // f.input is zero outside the image (defineConv2D): tiles past the output's edge read
  // past the input's.
  int left = (int)layer.padding[2], top = (int)layer.padding[0];
  // B^T d B in two passes: along the tile's columns, then its rows.
  f.inputRows = Func(name + "_winograd_in_rows");
  f.inputRows(c, fx, i, tx, ty, n) = perRow(fx, w.bt, [&](int j) {
    return f.input(c, tx * m + j - left, ty * m + i - top, n);
  });
  f.transformed = Func(name + "_winograd_in");
  f.transformed(c, fx, fy, tx, ty, n) =
      perRow(fy, w.bt, [&](int r) { return f.inputRows(c, fx, r, tx, ty, n); });
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
  Expr col = x % m, row = y % m, tileCol = x / m, tileRow = y / m;
  std::vector<Expr> rows;
  for (const std::vector<double> &coefficients : w.at)
    rows.push_back(combination(coefficients, [&](int a) {
      return f.outputRows(c, col, a, tileCol, tileRow, n);
    }));
  Expr value = mux(row, rows);
  f.conv = Func(name + "_conv");
  f.conv(c, x, y, n) = bias.defined() ? value + bias(c) : value;
}

} // namespace kconv::codegen
