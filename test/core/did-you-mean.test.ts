import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../../ts/core/did-you-mean.js';

describe('did you mean', () => {
  it('counts inserts, deletes and substitutions, ignoring case', () => {
    expect(editDistance('maxMemry', 'maxMemory')).toBe(1);
    expect(editDistance('nucleo-f492zi', 'nucleo-f429zi')).toBe(2);
    expect(editDistance('Cpus', 'cpus')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest name only when it is a plausible typo', () => {
    expect(closestName('maxMemroy', ['maxStack', 'maxMemory', 'cpus'])).toBe('maxMemory');
    expect(closestName('colour', ['maxStack', 'maxMemory', 'cpus'])).toBeUndefined();
    // An exact match is not a suggestion.
    expect(closestName('cpus', ['cpus'])).toBeUndefined();
    expect(didYouMean('rpi-pic', ['rpi-pico', 'native-sim'])).toBe('; did you mean rpi-pico?');
    expect(didYouMean('stm32-bluepill', ['rpi-pico', 'native-sim'])).toBe('');
  });
});
