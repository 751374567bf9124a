#!/usr/bin/python3
"""A robot's own software, as far as the `twin hil` tests need one: a rospy node in its own
process that talks to a running `twin hil` over a real roscore (ROS_MASTER_URI from the
environment) and prints what it measured as one line of JSON. Every wait is bounded by TIMEOUT.

  square TIMEOUT ROBOT        drive ROBOT around a 2 m square (left turns) from its odometry, with
                              use_sim_time; print where it ended relative to where it started,
                              from /tf (map -> ROBOT/base_link: the true pose)
  tf TIMEOUT PARENT CHILD     print the transform tf2 looks up between two frames
  arm TIMEOUT ARM             send ARM a 3-waypoint JointTrajectory and print the joint positions
                              /ARM/joint_states reported at each waypoint's time (sim time)
  watchdog TIMEOUT ROBOT      command ROBOT for 1 s of sim time, go quiet, then command it again;
                              print the /ROBOT/watchdog states seen and the odometry speeds
  bad TIMEOUT ROBOT           send NaN and infinite cmd_vel, then check that /clock still advances
  lockstep TIMEOUT ROBOT N    answer each of N /ROBOT/odom messages with a cmd_vel computed from it
                              (steering towards a point); print the last odometry exactly (repr)
"""
import json
import math
import sys
import time

import rospy
from geometry_msgs.msg import Twist
from nav_msgs.msg import Odometry
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint


def fail(text):
    print(json.dumps({"error": text}))
    sys.exit(1)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline or rospy.is_shutdown():
            fail("timed out waiting for " + what)
        time.sleep(0.002)


def yaw_of(q):
    return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


class Latest:
    def __init__(self, topic, kind):
        self.msg = None
        self.count = 0
        rospy.Subscriber(topic, kind, self.on, tcp_nodelay=True)

    def on(self, msg):
        self.msg = msg
        self.count += 1


def true_pose(robot, timeout):
    import tf2_ros
    buf = tf2_ros.Buffer()
    tf2_ros.TransformListener(buf)
    deadline = time.monotonic() + timeout
    while True:
        try:
            t = buf.lookup_transform("map", robot + "/base_link", rospy.Time(0))
            return t.transform
        except (tf2_ros.LookupException, tf2_ros.ExtrapolationException,
                tf2_ros.ConnectivityException):
            if time.monotonic() > deadline:
                fail("no transform map -> %s/base_link" % robot)
            time.sleep(0.01)


def square(timeout, robot):
    rospy.set_param("/use_sim_time", True)
    rospy.init_node("hil_square", anonymous=True)
    odom = Latest("/%s/odom" % robot, Odometry)
    cmd = rospy.Publisher("/%s/cmd_vel" % robot, Twist, queue_size=1, tcp_nodelay=True)
    wait_for(lambda: odom.msg is not None, timeout, "odometry")
    start_truth = true_pose(robot, timeout)
    p0 = odom.msg.pose.pose
    x0, y0, th0 = p0.position.x, p0.position.y, yaw_of(p0.orientation)
    corners = [(2, 0), (2, 2), (0, 2), (0, 0)]
    targets = [(x0 + math.cos(th0) * cx - math.sin(th0) * cy,
                y0 + math.sin(th0) * cx + math.cos(th0) * cy) for cx, cy in corners]
    deadline = time.monotonic() + timeout
    seen = 0
    for i, (tx, ty) in enumerate(targets):
        final = i == len(targets) - 1
        while True:
            if time.monotonic() > deadline:
                fail("did not finish the square in time")
            wait_for(lambda: odom.count > seen, timeout, "odometry")
            seen = odom.count
            p = odom.msg.pose.pose
            dx, dy = tx - p.position.x, ty - p.position.y
            dist = math.hypot(dx, dy)
            if dist < (0.01 if final else 0.03):
                break
            err = math.remainder(math.atan2(dy, dx) - yaw_of(p.orientation), 2 * math.pi)
            t = Twist()
            if abs(err) > 0.15:
                t.angular.z = max(-0.8, min(0.8, 2.0 * err))
            else:
                t.linear.x = min(0.5, 0.8 * dist)
                t.angular.z = 2.0 * err
            cmd.publish(t)
    for _ in range(20):  # brake, and keep the watchdog fed while the robot settles
        cmd.publish(Twist())
        rospy.sleep(0.05)
    end_truth = true_pose(robot, timeout)
    print(json.dumps({
        "error": math.hypot(end_truth.translation.x - start_truth.translation.x,
                            end_truth.translation.y - start_truth.translation.y),
        "odometry_error": math.hypot(odom.msg.pose.pose.position.x - x0,
                                     odom.msg.pose.pose.position.y - y0)}))


def tf(timeout, parent, child):
    rospy.init_node("hil_tf", anonymous=True)
    import tf2_ros
    buf = tf2_ros.Buffer()
    tf2_ros.TransformListener(buf)
    deadline = time.monotonic() + timeout
    while True:
        try:
            t = buf.lookup_transform(parent, child, rospy.Time(0)).transform
            break
        except (tf2_ros.LookupException, tf2_ros.ExtrapolationException,
                tf2_ros.ConnectivityException):
            if time.monotonic() > deadline:
                fail("no transform %s -> %s" % (parent, child))
            time.sleep(0.01)
    print(json.dumps({"translation": [t.translation.x, t.translation.y, t.translation.z],
                      "rotation_xyzw": [t.rotation.x, t.rotation.y, t.rotation.z,
                                        t.rotation.w]}))


def arm(timeout, name):
    rospy.set_param("/use_sim_time", True)
    rospy.init_node("hil_arm", anonymous=True)
    states = []
    rospy.Subscriber("/%s/joint_states" % name, JointState,
                     lambda m: states.append((m.header.stamp.to_sec(), list(m.name),
                                              list(m.position))))
    pub = rospy.Publisher("/%s/joint_trajectory" % name, JointTrajectory, queue_size=1,
                          latch=True)
    wait_for(lambda: len(states) > 0 and pub.get_num_connections() > 0, timeout,
             "joint states and a connection")
    start_time, names, q0 = states[-1]
    # Away from the cell's furniture: shoulder up when the base turns one way (the same step on
    # every joint would drive the arm into the conveyor, and the contact would be what is measured).
    weights = (1, -0.5, 0.5, -0.5, 1, 1)
    waypoints = [[q + w * d for q, w in zip(q0[:6], weights)] for d in (0.3, -0.2, 0.1)]
    times = [1.0, 2.0, 3.0]
    msg = JointTrajectory()
    msg.joint_names = names[:6]
    for q, t in zip(waypoints, times):
        msg.points.append(JointTrajectoryPoint(positions=q, time_from_start=rospy.Duration(t)))
    msg.header.stamp = rospy.Time.from_sec(start_time + 0.5)  # starts half a second from now
    pub.publish(msg)
    end = start_time + 0.5 + times[-1] + 0.1
    wait_for(lambda: states[-1][0] >= end, timeout, "the trajectory's end")
    reached = []
    for q, t in zip(waypoints, times):
        at = start_time + 0.5 + t
        stamp, _, positions = min(states, key=lambda s: abs(s[0] - at))
        reached.append({"time": stamp, "want": q, "got": positions[:6]})
    print(json.dumps({"names": names[:6], "waypoints": reached}))


def watchdog(timeout, robot):
    rospy.set_param("/use_sim_time", True)
    rospy.init_node("hil_watchdog", anonymous=True)
    seen = []
    rospy.Subscriber("/%s/watchdog" % robot, Bool, lambda m: seen.append(m.data))
    odom = Latest("/%s/odom" % robot, Odometry)
    cmd = rospy.Publisher("/%s/cmd_vel" % robot, Twist, queue_size=1, tcp_nodelay=True)
    wait_for(lambda: odom.msg is not None and cmd.get_num_connections() > 0 and seen, timeout,
             "odometry, a connection and the watchdog state")
    drive = Twist()
    drive.linear.x = 0.4
    t0 = rospy.get_time()
    while rospy.get_time() < t0 + 1.0:
        cmd.publish(drive)
        rospy.sleep(0.05)
    moving = odom.msg.twist.twist.linear.x
    wait_for(lambda: seen[-1] is True, timeout, "the watchdog to stop it")
    stopped_at = rospy.get_time()
    rospy.sleep(1.0)
    braked = odom.msg.twist.twist.linear.x
    cmd.publish(drive)
    wait_for(lambda: seen[-1] is False, timeout, "the watchdog to let go")
    print(json.dumps({"states": seen, "moving": moving, "braked": braked,
                      "silence": stopped_at - t0 - 1.0}))


def bad(timeout, robot):
    rospy.init_node("hil_bad", anonymous=True)
    clock = Latest("/clock", Clock)
    cmd = rospy.Publisher("/%s/cmd_vel" % robot, Twist, queue_size=10, tcp_nodelay=True)
    wait_for(lambda: clock.msg is not None and cmd.get_num_connections() > 0, timeout,
             "/clock and a connection")
    for value in (float("nan"), float("inf"), -float("inf")):
        t = Twist()
        t.linear.x = value
        cmd.publish(t)
    time.sleep(0.5)
    before = clock.msg.clock.to_sec()
    time.sleep(0.5)
    print(json.dumps({"clock_before": before, "clock_after": clock.msg.clock.to_sec()}))


def lockstep(timeout, robot, n):
    rospy.init_node("hil_lockstep", anonymous=True)
    cmd = rospy.Publisher("/%s/cmd_vel" % robot, Twist, queue_size=10, tcp_nodelay=True)
    # The n-th message, kept as it arrives: by the time the main thread looks, the answer to it has
    # let the sim run on and later messages may have come.
    last = {"msg": None, "count": 0}

    def answer(msg):
        last["count"] += 1
        if last["count"] == n:
            last["msg"] = msg
        p = msg.pose.pose
        bearing = math.atan2(1.0 - p.position.y, 3.0 - p.position.x) - yaw_of(p.orientation)
        t = Twist()
        t.linear.x = 0.5
        t.angular.z = 1.5 * math.remainder(bearing, 2 * math.pi)
        cmd.publish(t)

    odom = rospy.Subscriber("/%s/odom" % robot, Odometry, answer, tcp_nodelay=True)
    wait_for(lambda: cmd.get_num_connections() > 0 and odom.get_num_connections() > 0, timeout,
             "connections both ways")
    cmd.publish(Twist())  # the first answer starts the run
    wait_for(lambda: last["msg"] is not None, timeout, "%d odometry messages" % n)
    p = last["msg"].pose.pose.position
    print(json.dumps({"x": repr(p.x), "y": repr(p.y), "stamp": last["msg"].header.stamp.to_nsec()}))


if __name__ == "__main__":
    mode, timeout, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    {"square": lambda: square(timeout, args[0]),
     "tf": lambda: tf(timeout, args[0], args[1]),
     "arm": lambda: arm(timeout, args[0]),
     "watchdog": lambda: watchdog(timeout, args[0]),
     "bad": lambda: bad(timeout, args[0]),
     "lockstep": lambda: lockstep(timeout, args[0], int(args[1]))}[mode]()
