package dev.pulse.api.auth;

import dev.pulse.contracts.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range such as {@code 10.0.0.0/8} or {@code ::1/128}, for TRUSTED_PROXIES.
 *
 * @param network the network address bytes
 * @param prefix the prefix length in bits
 */
public record Cidr(byte[] network, int prefix) {

  /** Parses {@code address[/prefix]}; names the key in the one-line error. */
  public static Cidr parse(String key, String text) {
    String[] parts = text.split("/", 2);
    try {
      if (!parts[0].matches("[0-9a-fA-F:.]+")) {
        throw new UnknownHostException(parts[0]);
      }
      byte[] address = InetAddress.getByName(parts[0]).getAddress();
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
      if (prefix < 0 || prefix > address.length * 8) {
        throw new NumberFormatException();
      }
      return new Cidr(address, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new ConfigException(key + " must be a comma-separated list of addresses or CIDR ranges"
          + " such as 127.0.0.1/32, got '" + text + "'");
    }
  }

  /** Whether the textual IP address lies in this range. */
  public boolean contains(String ip) {
    if (ip == null || !ip.matches("[0-9a-fA-F:.%a-z]+")) {
      return false;
    }
    byte[] address;
    try {
      address = InetAddress.getByName(ip.contains("%") ? ip.substring(0, ip.indexOf('%')) : ip).getAddress();
    } catch (UnknownHostException e) {
      return false;
    }
    if (address.length != network.length) {
      return false;
    }
    int fullBytes = prefix / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest) & 0xFF;
    return (address[fullBytes] & mask) == (network[fullBytes] & mask);
  }
}
