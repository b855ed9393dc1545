package dev.berth.server.tls;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The addresses of this machine's interfaces that are up (link-local ones left out). */
final class LocalAddresses {
  private LocalAddresses() {}

  static List<InetAddress> all() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (!a.isLinkLocalAddress()) {
            out.add(a instanceof java.net.Inet6Address ? stripScope(a) : a);
          }
        }
      }
    } catch (SocketException e) {
      // none listed: loopback and names still go in
    }
    return out;
  }

  private static InetAddress stripScope(InetAddress a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (java.net.UnknownHostException e) {
      return a;
    }
  }
}
