/*
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) over a buffer filled from a 32-bit LCG.
 * The exit code is the low byte of the CRC, so a wrong byte anywhere shows in two places.
 */
#include <stdint.h>
#include <stdio.h>

#define BUFFER_BYTES 4096u

static uint8_t buffer[BUFFER_BYTES];

static uint32_t crc32(const uint8_t *data, uint32_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

int main(void)
{
    uint32_t state = 12345u;
    for (uint32_t i = 0; i < BUFFER_BYTES; i++) {
        state = state * 1103515245u + 12345u;
        buffer[i] = (uint8_t)(state >> 16);
    }
    const uint8_t check[] = "123456789";
    printf("crc32(\"123456789\") = %08x\n", (unsigned)crc32(check, 9));
    uint32_t crc = crc32(buffer, BUFFER_BYTES);
    printf("crc32(buffer) = %08x\n", (unsigned)crc);
    return (int)(crc & 0xFFu);
}
