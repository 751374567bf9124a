// twin-bench-ros-peer: the other end of `twin bench bridge`, a plain roscpp node (no twin code,
// so it costs what any roscpp node costs). One job per process, chosen by the first argument:
//
//   subscribe TOPIC OUT [--no-nodelay]          sensor_msgs/Image on TOPIC: the receipt time of
//                                               each message; writes "image STAMP_NS RECEIPT_NS"
//   publish TOPIC OUT COUNT RATE WIDTH HEIGHT   the bare baseline: COUNT rgb8 images of WIDTH x
//                                               HEIGHT at RATE Hz (absolute deadlines), once a
//                                               subscriber is there; "image STAMP_NS PUBLISH_NS"
//   control STATE_TOPIC COMMAND_TOPIC [--no-nodelay]
//                                               answers each nav_msgs/Odometry on STATE_TOPIC
//                                               with a geometry_msgs/Twist on COMMAND_TOPIC (and
//                                               sends one once connected both ways: lockstep's
//                                               first answer starts the run)
//
// Times are CLOCK_MONOTONIC nanoseconds, which every process on the machine shares. `subscribe`
// and `control` run until SIGTERM or SIGINT (then write OUT and exit 0); each writes
// "ready" to stdout once its endpoints are registered. --no-nodelay subscribes without
// TCP_NODELAY. Every job keeps glibc's allocator as twin's process does (see main). Exit 1 with
// a message on stderr when something fails.
#include <geometry_msgs/Twist.h>
#include <nav_msgs/Odometry.h>
#include <ros/callback_queue.h>
#include <ros/ros.h>
#include <sensor_msgs/Image.h>

#include <malloc.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) {
  g_stop = true;
}

int64_t NowNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

void SleepUntilNs(int64_t deadline_ns) {
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1000000000);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1000000000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

int64_t StampNs(const ros::Time& t) {
  return static_cast<int64_t>(t.sec) * 1000000000 + t.nsec;
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "twin-bench-ros-peer: %s\n", what.c_str());
  std::exit(1);
}

// One record per message, written at the end (nothing but a clock read while measuring).
struct Record {
  int64_t stamp_ns, time_ns;
};

void Write(const std::string& path, const std::vector<Record>& records) {
  FILE* out = std::fopen(path.c_str(), "w");
  if (!out) Fail("cannot write " + path + ": " + std::strerror(errno));
  for (const Record& r : records)
    std::fprintf(out, "image %lld %lld\n", static_cast<long long>(r.stamp_ns),
                 static_cast<long long>(r.time_ns));
  if (std::fclose(out) != 0) Fail("cannot write " + path + ": " + std::strerror(errno));
}

// Runs the global callback queue until SIGTERM/SIGINT, waking as soon as a message is there.
void SpinUntilStopped() {
  while (!g_stop && ros::ok()) ros::getGlobalCallbackQueue()->callAvailable(ros::WallDuration(0.1));
}

ros::TransportHints Hints(bool nodelay) {
  return nodelay ? ros::TransportHints().tcpNoDelay() : ros::TransportHints();
}

int Subscribe(const std::string& topic, const std::string& out, bool nodelay) {
  ros::NodeHandle node;
  std::vector<Record> records;
  records.reserve(100000);
  ros::Subscriber sub = node.subscribe<sensor_msgs::Image>(
      topic, 5,
      [&records](const sensor_msgs::Image::ConstPtr& image) {
        records.push_back({StampNs(image->header.stamp), NowNs()});
      },
      ros::VoidConstPtr(), Hints(nodelay));
  std::printf("ready\n");
  std::fflush(stdout);
  SpinUntilStopped();
  Write(out, records);
  return 0;
}

int Publish(const std::string& topic, const std::string& out, int count, double rate, int width,
            int height) {
  ros::NodeHandle node;
  ros::Publisher pub = node.advertise<sensor_msgs::Image>(topic, 1);
  // The pixels, made once; each message copies them, as twin copies a rendered frame.
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 31 + i / 640);
  const int64_t give_up = NowNs() + 30000000000LL;
  while (pub.getNumSubscribers() == 0) {
    if (g_stop || NowNs() > give_up) Fail("no subscriber on " + topic + " within 30 s");
    SleepUntilNs(NowNs() + 1000000);
  }
  std::vector<Record> records;
  records.reserve(static_cast<size_t>(count));
  const int64_t period_ns = static_cast<int64_t>(1e9 / rate);
  const int64_t start = NowNs() + period_ns;
  for (int k = 0; k < count && !g_stop; ++k) {
    SleepUntilNs(start + k * period_ns);
    sensor_msgs::Image image;
    image.header.seq = static_cast<uint32_t>(k);
    image.header.stamp.fromNSec(static_cast<uint64_t>(k + 1) * static_cast<uint64_t>(period_ns));
    image.header.frame_id = "bench_optical_frame";
    image.height = static_cast<uint32_t>(height);
    image.width = static_cast<uint32_t>(width);
    image.encoding = "rgb8";
    image.step = static_cast<uint32_t>(3 * width);
    image.data = pixels;
    records.push_back({StampNs(image.header.stamp), NowNs()});
    pub.publish(image);
  }
  SleepUntilNs(NowNs() + 500000000);  // let the last message arrive before the node goes
  Write(out, records);
  return 0;
}

int Control(const std::string& state_topic, const std::string& command_topic, bool nodelay) {
  ros::NodeHandle node;
  ros::Publisher command = node.advertise<geometry_msgs::Twist>(command_topic, 10);
  ros::Subscriber state = node.subscribe<nav_msgs::Odometry>(
      state_topic, 10,
      [&command](const nav_msgs::Odometry::ConstPtr&) { command.publish(geometry_msgs::Twist()); },
      ros::VoidConstPtr(), Hints(nodelay));
  std::printf("ready\n");
  std::fflush(stdout);
  bool greeted = false;
  while (!g_stop && ros::ok()) {
    ros::getGlobalCallbackQueue()->callAvailable(ros::WallDuration(greeted ? 0.1 : 0.001));
    // Once connected both ways (twin reads the commands, the states reach this node): a state
    // published before would be lost, and lockstep would wait for its answer for ever.
    if (!greeted && command.getNumSubscribers() > 0 && state.getNumPublishers() > 0) {
      command.publish(geometry_msgs::Twist());  // lockstep waits for a first answer
      greeted = true;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool nodelay = true;
  for (auto it = args.begin(); it != args.end();) {
    if (*it == "--no-nodelay") {
      nodelay = false;
      it = args.erase(it);
    } else {
      ++it;
    }
  }
  const std::string job = args.empty() ? "" : args[0];
  const char* usage =
      "usage: twin-bench-ros-peer subscribe TOPIC OUT | publish TOPIC OUT COUNT RATE WIDTH "
      "HEIGHT | control STATE_TOPIC COMMAND_TOPIC [--no-nodelay]";
  const size_t wanted = job == "subscribe" ? 3 : job == "publish" ? 7 : job == "control" ? 3 : 0;
  if (wanted == 0 || args.size() != wanted) Fail(usage);
  // The allocator policy twin's process runs with (render/src/context.cpp): large blocks from the
  // heap, kept when freed. With glibc's defaults every 900 KB image buffer was a fresh mmap and
  // its pages faulted in again: 5 ms at p50 instead of 0.7 ms on a loaded 2-core machine, which
  // would have compared twin with a handicapped baseline.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  ros::init(argc, argv, "twin_bench_" + job,
            ros::init_options::NoSigintHandler | ros::init_options::NoRosout);
  if (!ros::master::check()) Fail("no ROS master answers at " + ros::master::getURI());
  try {
    if (job == "subscribe") return Subscribe(args[1], args[2], nodelay);
    if (job == "publish")
      return Publish(args[1], args[2], std::atoi(args[3].c_str()), std::atof(args[4].c_str()),
                     std::atoi(args[5].c_str()), std::atoi(args[6].c_str()));
    return Control(args[1], args[2], nodelay);
  } catch (const std::exception& e) {
    Fail(e.what());
  }
}
