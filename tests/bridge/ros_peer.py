#!/usr/bin/python3
"""A ROS 1 peer in its own process (rospy), the independent side of the bridge's ROS tests.

Modes (ROS_MASTER_URI comes from the environment; every wait is bounded by TIMEOUT seconds):
  sensors TIMEOUT                 subscribe to /cam/image_raw, /cam/camera_info, /imu, /odom and
                                  print the first message of each as JSON, field by field
  commands TIMEOUT SPEC.json      publish the Twist and JointTrajectory in SPEC to /robot/cmd_vel
                                  and /arm/joint_trajectory once the bridge is connected
  hostile TIMEOUT                 publish on /arm/joint_trajectory a JointTrajectory whose first
                                  point claims 2^29 + 1 positions (8 bytes sent), then a valid one
                                  with joint_names ["after"]
  services TIMEOUT                call /gripper (SetBool), /reset (Trigger), /step (twin_msgs
                                  StepSimulation) and print the answers as JSON
  follow TIMEOUT                  subscribe to /clock, answer each message with a Twist on
                                  /robot/cmd_vel (linear.x = how many came), exit once a stamp of
                                  1000 s or more arrives; registers once, as any rospy node
  once TIMEOUT TOPIC              wait until TOPIC is published, print its first message's type
  address TIMEOUT NODE TOPIC      print the URI the master holds for NODE and the TCPROS host/port
                                  it offers for TOPIC, and the addresses that port listens on
"""
import json
import sys
import time
import xmlrpc.client

import rosgraph
import rospy


def stamp(h):
    return [h.stamp.secs, h.stamp.nsecs, h.frame_id]


def vec(v):
    return [v.x, v.y, v.z]


def quat(q):
    return [q.x, q.y, q.z, q.w]


def sensors(timeout):
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import CameraInfo, Image, Imu

    got = {}

    def keep(name, convert):
        def callback(msg):
            if name not in got:
                got[name] = convert(msg)
        return callback

    rospy.Subscriber('/cam/image_raw', Image, keep('image', lambda m: {
        'header': stamp(m.header), 'height': m.height, 'width': m.width, 'encoding': m.encoding,
        'is_bigendian': m.is_bigendian, 'step': m.step, 'data': list(bytearray(m.data))}),
        tcp_nodelay=True)
    rospy.Subscriber('/cam/camera_info', CameraInfo, keep('camera_info', lambda m: {
        'header': stamp(m.header), 'height': m.height, 'width': m.width,
        'distortion_model': m.distortion_model, 'D': list(m.D), 'K': list(m.K), 'R': list(m.R),
        'P': list(m.P), 'binning': [m.binning_x, m.binning_y],
        'roi': [m.roi.x_offset, m.roi.y_offset, m.roi.height, m.roi.width, m.roi.do_rectify]}))
    rospy.Subscriber('/imu', Imu, keep('imu', lambda m: {
        'header': stamp(m.header), 'orientation': quat(m.orientation),
        'orientation_covariance': list(m.orientation_covariance),
        'angular_velocity': vec(m.angular_velocity),
        'angular_velocity_covariance': list(m.angular_velocity_covariance),
        'linear_acceleration': vec(m.linear_acceleration),
        'linear_acceleration_covariance': list(m.linear_acceleration_covariance)}))
    rospy.Subscriber('/odom', Odometry, keep('odom', lambda m: {
        'header': stamp(m.header), 'child_frame_id': m.child_frame_id,
        'position': vec(m.pose.pose.position), 'orientation': quat(m.pose.pose.orientation),
        'pose_covariance': list(m.pose.covariance), 'linear': vec(m.twist.twist.linear),
        'angular': vec(m.twist.twist.angular), 'twist_covariance': list(m.twist.covariance)}))
    deadline = time.time() + timeout
    while len(got) < 4 and time.time() < deadline:
        time.sleep(0.02)
    if len(got) < 4:
        sys.exit('sensors: got only %s within %s s' % (sorted(got), timeout))
    print(json.dumps(got))


def wait_connected(publisher, deadline):
    while publisher.get_num_connections() == 0:
        if time.time() > deadline:
            sys.exit('commands: nobody subscribed to %s' % publisher.name)
        time.sleep(0.02)


def commands(timeout, spec_path):
    from geometry_msgs.msg import Twist
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    with open(spec_path) as f:
        spec = json.load(f)
    twist = Twist()
    twist.linear.x, twist.linear.y, twist.linear.z = spec['twist']['linear']
    twist.angular.x, twist.angular.y, twist.angular.z = spec['twist']['angular']
    t = spec['trajectory']
    trajectory = JointTrajectory()
    trajectory.header.stamp = rospy.Time(t['stamp'][0], t['stamp'][1])
    trajectory.header.frame_id = t['frame_id']
    trajectory.joint_names = t['joint_names']
    for p in t['points']:
        trajectory.points.append(JointTrajectoryPoint(
            positions=p['positions'], velocities=p['velocities'],
            accelerations=p['accelerations'], effort=p['effort'],
            time_from_start=rospy.Duration(p['time_from_start'][0], p['time_from_start'][1])))
    cmd_vel = rospy.Publisher('/robot/cmd_vel', Twist, queue_size=10, tcp_nodelay=True)
    traj = rospy.Publisher('/arm/joint_trajectory', JointTrajectory, queue_size=10)
    deadline = time.time() + timeout
    wait_connected(cmd_vel, deadline)
    wait_connected(traj, deadline)
    # Connections are up; publish a few times in case a first message races the handshake.
    for _ in range(3):
        cmd_vel.publish(twist)
        traj.publish(trajectory)
        time.sleep(0.2)
    print('published')


def hostile(timeout):
    import struct
    from trajectory_msgs.msg import JointTrajectory

    class Hostile(JointTrajectory):
        """Serialises as a lie when `lie` is set; the type and MD5 stay JointTrajectory's."""
        lie = False

        def serialize(self, buff):
            if not self.lie:
                return super().serialize(buff)
            buff.write(struct.pack('<IIII', 0, 0, 0, 0))  # header: seq, stamp, empty frame_id
            buff.write(struct.pack('<II', 0, 1))          # no joint names, one point
            buff.write(struct.pack('<Id', (1 << 29) + 1, 1.0))  # 2^29 + 1 positions claimed
            buff.write(struct.pack('<IIIii', 0, 0, 0, 0, 0))  # empty arrays, time_from_start

    publisher = rospy.Publisher('/arm/joint_trajectory', Hostile, queue_size=10)
    wait_connected(publisher, time.time() + timeout)
    evil = Hostile()
    evil.lie = True
    good = Hostile(joint_names=['after'])
    for _ in range(3):
        publisher.publish(evil)
        time.sleep(0.1)
        publisher.publish(good)
        time.sleep(0.1)
    print('published')


def services(timeout):
    from std_srvs.srv import SetBool, Trigger
    from twin_msgs.srv import StepSimulation

    answers = {}
    for name in ['/gripper', '/reset', '/step']:
        rospy.wait_for_service(name, timeout=timeout)
    answers['gripper'] = rospy.ServiceProxy('/gripper', SetBool)(True)
    answers['reset'] = rospy.ServiceProxy('/reset', Trigger)()
    answers['step'] = rospy.ServiceProxy('/step', StepSimulation)(7)
    print(json.dumps({k: {'success': v.success, 'message': v.message}
                      for k, v in answers.items()}))


def follow(timeout):
    from geometry_msgs.msg import Twist
    from rosgraph_msgs.msg import Clock

    count = [0]
    done = [False]
    cmd_vel = rospy.Publisher('/robot/cmd_vel', Twist, queue_size=10, tcp_nodelay=True)

    def callback(msg):
        count[0] += 1
        twist = Twist()
        twist.linear.x = count[0]
        cmd_vel.publish(twist)
        if msg.clock.secs >= 1000:
            done[0] = True

    rospy.Subscriber('/clock', Clock, callback)
    deadline = time.time() + timeout
    while not done[0] and time.time() < deadline:
        time.sleep(0.02)
    if not done[0]:
        sys.exit('follow: no stamp >= 1000 s within %s s (%d messages)' % (timeout, count[0]))
    print(count[0])


def once(timeout, topic):
    deadline = time.time() + timeout
    while time.time() < deadline:
        types = dict(rospy.get_published_topics())
        if topic in types:
            break
        time.sleep(0.05)
    else:
        sys.exit('once: %s never published' % topic)
    import rostopic
    message_class, _, _ = rostopic.get_topic_class(topic)
    rospy.wait_for_message(topic, message_class, timeout=max(deadline - time.time(), 0.1))
    print(types[topic])


def listening_hosts(port):
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp)."""
    hosts = []
    with open('/proc/net/tcp') as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(':')
            if state == '0A' and int(local_port, 16) == port:
                raw = bytes.fromhex(address)[::-1]
                hosts.append('.'.join(str(b) for b in raw))
    return hosts


def address(timeout, node, topic):
    master = rosgraph.Master('/ros_peer')
    deadline = time.time() + timeout
    while True:
        try:
            uri = master.lookupNode(node)
            break
        except Exception:
            if time.time() > deadline:
                sys.exit('address: node %s never registered' % node)
            time.sleep(0.05)
    code, _, protocol = xmlrpc.client.ServerProxy(uri).requestTopic(
        '/ros_peer', topic, [['TCPROS']])
    if code != 1:
        sys.exit('address: requestTopic failed')
    print(json.dumps({'uri': uri, 'tcpros_host': protocol[1], 'tcpros_port': protocol[2],
                      'listening_on': listening_hosts(protocol[2])}))


def main():
    mode, timeout = sys.argv[1], float(sys.argv[2])
    if mode != 'address':
        rospy.init_node('ros_peer', anonymous=True, disable_signals=True)
    {'sensors': lambda: sensors(timeout),
     'commands': lambda: commands(timeout, sys.argv[3]),
     'services': lambda: services(timeout),
     'hostile': lambda: hostile(timeout),
     'once': lambda: once(timeout, sys.argv[3]),
     'follow': lambda: follow(timeout),
     'address': lambda: address(timeout, sys.argv[3], sys.argv[4])}[mode]()


if __name__ == '__main__':
    main()
