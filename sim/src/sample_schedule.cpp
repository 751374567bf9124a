#include <twin/base/error.h>
#include <twin/sim/sample_schedule.h>

#include <cmath>

namespace twin::sim {
namespace {

// A sample whose time lies within this fraction of a step after a step's time is taken at that
// step: it absorbs the rounding of rate * timestep (e.g. 30 Hz * 0.002 s is not exactly 0.06).
constexpr long double kStepTolerance = 1e-6L;

const char* KindName(SensorKind kind) {
  switch (kind) {
    case SensorKind::kCamera: return "camera";
    case SensorKind::kLidar: return "lidar";
    case SensorKind::kImu: return "IMU";
  }
  return "sensor";
}

}  // namespace

SampleSchedule::SampleSchedule(std::vector<ScheduledSensor> sensors, double timestep)
    : sensors_(std::move(sensors)), timestep_(timestep) {
  if (!(std::isfinite(timestep) && timestep > 0)) {
    throw base::Error("sample schedule: the timestep must be a finite number > 0 s, got " +
                      std::to_string(timestep));
  }
  for (const ScheduledSensor& s : sensors_) {
    if (!(std::isfinite(s.rate) && s.rate > 0)) {
      throw base::Error(std::string(KindName(s.kind)) + " '" + s.name +
                        "': rate must be a finite number > 0 (Hz), got " + std::to_string(s.rate));
    }
  }
}

SampleSchedule SampleSchedule::FromSite(const scenes::Site& site, double timestep) {
  std::vector<ScheduledSensor> sensors;
  for (const auto& c : site.cameras) sensors.push_back({SensorKind::kCamera, c.name, c.rate});
  for (const auto& l : site.lidars) sensors.push_back({SensorKind::kLidar, l.name, l.rate});
  for (const auto& i : site.imus) sensors.push_back({SensorKind::kImu, i.name, i.rate});
  return SampleSchedule(std::move(sensors), timestep);
}

int64_t SampleSchedule::SamplesUpTo(int sensor, int64_t step) const {
  TWIN_DEMAND(sensor >= 0 && sensor < static_cast<int>(sensors_.size()) && step >= 0);
  // Samples 0..K with K / rate <= (step + tolerance) * timestep. Long double: the product's
  // rounding stays far below the tolerance for any run length that fits in an int64 of steps
  // at realistic rates.
  const long double per_step = static_cast<long double>(sensors_[sensor].rate) * timestep_;
  return static_cast<int64_t>(std::floor((step + kStepTolerance) * per_step)) + 1;
}

int64_t SampleSchedule::StepOf(int sensor, int64_t sample) const {
  TWIN_DEMAND(sensor >= 0 && sensor < static_cast<int>(sensors_.size()) && sample >= 0);
  const long double per_step = static_cast<long double>(sensors_[sensor].rate) * timestep_;
  int64_t step = static_cast<int64_t>(std::ceil(sample / per_step - kStepTolerance));
  // Agree with SamplesUpTo exactly, whatever the last bit of rounding did.
  while (step > 0 && SamplesUpTo(sensor, step - 1) > sample) --step;
  while (SamplesUpTo(sensor, step) <= sample) ++step;
  return step;
}

std::vector<DueSample> SampleSchedule::Due(int64_t step) const {
  TWIN_DEMAND(step >= 0);
  std::vector<DueSample> due;
  for (int s = 0; s < static_cast<int>(sensors_.size()); ++s) {
    const int64_t upto = SamplesUpTo(s, step);
    const int64_t before = step == 0 ? 0 : SamplesUpTo(s, step - 1);
    if (upto == before) continue;
    const int64_t k = upto - 1;
    due.push_back(
        {s, k, static_cast<double>(k / static_cast<long double>(sensors_[s].rate)), upto - before});
  }
  return due;
}

}  // namespace twin::sim
