// The mock sensor of the host suite: reading i of channel c is 100 + c + 2 i, so an average
// proves every call reached the host with its arguments. Channel 99 does not exist: the call fails.
// Stateless: boards run in parallel in one process.
export default {
  'env.read_sensor': ([channel, index]) => {
    if (channel === 99) throw new Error('no sensor on channel 99');
    return 100 + channel + 2 * index;
  },
};
