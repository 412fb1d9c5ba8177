/* Deliberate faults, so tests see each fault path end QEMU with its own exit code. */
#ifndef WRT_BRINGUP_FAULTS_H
#define WRT_BRINGUP_FAULTS_H

/* Returns only when `kind` names no fault. */
void wrt_bringup_fault(const char *kind);

#endif /* WRT_BRINGUP_FAULTS_H */
