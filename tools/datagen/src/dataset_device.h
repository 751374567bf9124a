// The render device in a dataset's identity (dataset_identity.h): apart, so that the dataset
// bookkeeping (twin_dataset) needs no renderer.
#pragma once

#include <nlohmann/json.hpp>

#include <twin/render/context.h>

namespace twin::datagen {

/// {name, driver, driver_version, vendor_id, device_id} of the context's device: frames
/// rendered on another device or driver need not be the same bytes.
nlohmann::json DeviceJson(const render::Context& context);

}  // namespace twin::datagen
