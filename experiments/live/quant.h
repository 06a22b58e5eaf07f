// int8 quantization arithmetic shared by the oneDNN executor and the plain reference, so both
// quantize identically: symmetric, round to nearest even, saturating; weights per output row.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace live {

// Largest quantized magnitude: u8 for non-negative tensors, s8 otherwise.
inline float quant_max(bool is_unsigned) { return is_unsigned ? 255.0f : 127.0f; }

// x / scale rounded and saturated, computed as x * (1 / scale) like a oneDNN reorder with an
// output scale.
inline float quantize(float x, float scale, bool is_unsigned) {
  float q = std::nearbyint(x * (1.0f / scale));
  return std::clamp(q, is_unsigned ? 0.0f : -128.0f, quant_max(is_unsigned));
}

struct RowQuantized {
  std::vector<std::int8_t> q;  // rows * cols
  std::vector<float> scale;    // per row: max|w| / 127 (1 for an all-zero row)
};

inline RowQuantized quantize_rows(const std::vector<float>& w, int rows, int cols) {
  RowQuantized r;
  r.q.resize(w.size());
  r.scale.resize(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    const float* row = w.data() + static_cast<std::size_t>(i) * cols;
    float m = 0;
    for (int j = 0; j < cols; ++j) m = std::max(m, std::abs(row[j]));
    float s = m > 0 ? m / 127.0f : 1.0f;
    r.scale[static_cast<std::size_t>(i)] = s;
    for (int j = 0; j < cols; ++j) {
      r.q[static_cast<std::size_t>(i) * cols + j] = static_cast<std::int8_t>(quantize(row[j], s, false));
    }
  }
  return r;
}

// The accumulator-domain bias and the output scale of an int8 layer whose output row `i` is
// (acc + bias_acc[i]) * out_scale[i] / dst_scale; oneDNN 2.x applies the bias before the scale.
struct Int8Epilogue {
  std::vector<float> bias_acc, out_scale;
};
inline Int8Epilogue int8_epilogue(const std::vector<float>& bias, const std::vector<float>& w_scale, float in_scale,
                                  float dst_scale) {
  Int8Epilogue e;
  for (std::size_t i = 0; i < bias.size(); ++i) {
    float s = in_scale * w_scale[i];
    e.bias_acc.push_back(bias[i] / s);
    e.out_scale.push_back(s / dst_scale);
  }
  return e;
}

}  // namespace live
