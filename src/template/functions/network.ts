import { BlockList, isIP } from 'node:net';
import { msg } from '../../i18n/index.js';
import { asString, describe, fail, positional } from './args.js';

/** IsIpInCIDR: whether an IPv4 or IPv6 address lies in a CIDR block (a bare address is a /32 or /128). */

function IsIpInCIDR(args: unknown): boolean {
  const [a, c] = positional('IsIpInCIDR', args, '[ip, cidr]', 2);
  const ip = asString('IsIpInCIDR', a, msg('functions:theIp')).trim();
  const cidr = asString('IsIpInCIDR', c, msg('functions:theCidr')).trim();
  const ipFamily = isIP(ip);
  if (ipFamily === 0) fail('IsIpInCIDR', msg('functions:notAnIp', { value: describe(a) }));
  const [network = '', prefixText, ...rest] = cidr.split('/');
  const family = isIP(network);
  const bits = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (family === 0 || rest.length > 0 || !(prefix >= 0 && prefix <= bits))
    fail('IsIpInCIDR', msg('functions:notACidr', { value: describe(c) }));
  // An IPv4 address is never inside an IPv6 block nor the reverse; BlockList would map them.
  if (family !== ipFamily) return false;
  const block = new BlockList();
  const type = family === 6 ? 'ipv6' : 'ipv4';
  block.addSubnet(network, prefix, type);
  return block.check(ip, type);
}

export const network = { IsIpInCIDR };
