import type { Finding } from '../../src/model.js';

/** A finding with every field a correlation reads, the rest left empty. */
export function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'rule' | 'class'>): Finding {
  return {
    title: over.id,
    message: '',
    severity: 'high',
    score: 70,
    confidence: 0.9,
    window: null,
    subject: {},
    metrics: {},
    evidence: [],
    causes: [],
    effects: [],
    reasoning: [],
    remediation: [],
    references: [],
    ...over,
  };
}
