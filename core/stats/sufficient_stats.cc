#include "core/stats/sufficient_stats.h"

#include <algorithm>

namespace expt {

MeanStats MeanStats::from_sums(int64_t n, double sum, double sum_squares) {
  MeanStats s;
  s.n = n;
  if (n > 0) {
    s.mean = sum / static_cast<double>(n);
    s.m2 = sum_squares - sum * s.mean;
    if (s.m2 < 0) s.m2 = 0;  // rounding of an all-equal sample
  }
  return s;
}

void MeanStats::add(double x) {
  ++n;
  double delta = x - mean;
  mean += delta / static_cast<double>(n);
  m2 += delta * (x - mean);
}

std::optional<double> MeanStats::variance() const {
  if (n < 2) return std::nullopt;
  return m2 / static_cast<double>(n - 1);
}

MeanStats& MeanStats::operator+=(const MeanStats& o) {
  if (o.n == 0) return *this;
  if (n == 0) return *this = o;
  const double na = static_cast<double>(n), nb = static_cast<double>(o.n), total = na + nb;
  const double delta = o.mean - mean;
  mean += delta * nb / total;
  m2 += o.m2 + delta * delta * na * nb / total;
  n += o.n;
  return *this;
}

MeanStats operator+(MeanStats a, const MeanStats& b) { return a += b; }

RatioStats RatioStats::from_sums(int64_t n, double sum_x, double sum_y, double sum_xx, double sum_yy, double sum_xy) {
  RatioStats s;
  s.n = n;
  if (n > 0) {
    const double nn = static_cast<double>(n);
    s.mean_x = sum_x / nn;
    s.mean_y = sum_y / nn;
    s.m2_x = std::max(0.0, sum_xx - sum_x * s.mean_x);  // clamped: rounding of a constant sample
    s.m2_y = std::max(0.0, sum_yy - sum_y * s.mean_y);
    s.c_xy = sum_xy - sum_x * s.mean_y;
  }
  return s;
}

void RatioStats::add(double x, double y) {
  ++n;
  const double nn = static_cast<double>(n);
  const double dx = x - mean_x;
  const double dy = y - mean_y;
  mean_x += dx / nn;
  mean_y += dy / nn;
  m2_x += dx * (x - mean_x);
  m2_y += dy * (y - mean_y);
  c_xy += dx * (y - mean_y);
}

std::optional<double> RatioStats::variance_x() const {
  return n < 2 ? std::nullopt : std::optional<double>(m2_x / static_cast<double>(n - 1));
}
std::optional<double> RatioStats::variance_y() const {
  return n < 2 ? std::nullopt : std::optional<double>(m2_y / static_cast<double>(n - 1));
}
std::optional<double> RatioStats::covariance() const {
  return n < 2 ? std::nullopt : std::optional<double>(c_xy / static_cast<double>(n - 1));
}

RatioStats& RatioStats::operator+=(const RatioStats& o) {
  if (o.n == 0) return *this;
  if (n == 0) return *this = o;
  const double na = static_cast<double>(n), nb = static_cast<double>(o.n), total = na + nb;
  const double dx = o.mean_x - mean_x, dy = o.mean_y - mean_y;
  const double w = na * nb / total;
  mean_x += dx * nb / total;
  mean_y += dy * nb / total;
  m2_x += o.m2_x + dx * dx * w;
  m2_y += o.m2_y + dy * dy * w;
  c_xy += o.c_xy + dx * dy * w;
  n += o.n;
  return *this;
}

RatioStats operator+(RatioStats a, const RatioStats& b) { return a += b; }

}  // namespace expt
