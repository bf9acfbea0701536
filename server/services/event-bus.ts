/**
 * Wakes live-event streams when a text has new events. The event log in the database is the
 * truth; the bus only says "look again", so a stream that misses a wake-up still catches up at
 * its next poll, and a second process writing to the same database is seen too.
 */
import { EventEmitter } from 'node:events';

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Says that text `textId` has new events. Call after the transaction that wrote them commits. */
  notify(textId: number): void {
    this.emitter.emit(`text:${textId}`);
    this.emitter.emit('any-text');
  }

  /** Says that person `userId` has new notifications. Call after the transaction that wrote them commits. */
  notifyPerson(userId: number): void {
    this.emitter.emit(`person:${userId}`);
  }

  /** Calls `listener` whenever person `userId` has new notifications; returns the unsubscribe function. */
  subscribePerson(userId: number, listener: () => void): () => void {
    this.emitter.on(`person:${userId}`, listener);
    return () => this.emitter.off(`person:${userId}`, listener);
  }

  /** Calls `listener` whenever text `textId` has new events; returns the unsubscribe function. */
  subscribe(textId: number, listener: () => void): () => void {
    this.emitter.on(`text:${textId}`, listener);
    return () => this.emitter.off(`text:${textId}`, listener);
  }

  /** Calls `listener` whenever any text has new events (the federation publisher); returns the unsubscribe function. */
  subscribeAll(listener: () => void): () => void {
    this.emitter.on('any-text', listener);
    return () => this.emitter.off('any-text', listener);
  }
}
