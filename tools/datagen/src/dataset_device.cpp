#include "dataset_device.h"

namespace twin::datagen {

nlohmann::json DeviceJson(const render::Context& context) {
  VkPhysicalDeviceDriverProperties driver{};
  driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
  VkPhysicalDeviceProperties2 properties{};
  properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  properties.pNext = &driver;
  vkGetPhysicalDeviceProperties2(context.physical_device(), &properties);  // Vulkan 1.2 device
  return {{"name", context.device_info().name},
          {"driver", std::string(driver.driverName) + " " + driver.driverInfo},
          {"driver_version", properties.properties.driverVersion},
          {"vendor_id", properties.properties.vendorID},
          {"device_id", properties.properties.deviceID}};
}

}  // namespace twin::datagen
