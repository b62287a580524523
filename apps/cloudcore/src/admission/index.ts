/**
 * admission: a mutating AdmissionReview handler that makes pods bound for
 * edge nodes tolerate `unreachable` / `not-ready` NoExecute taints forever,
 * so a real cluster does not evict an offline edge node's pods after 300 s.
 * The handler is pure (review body + a predicate naming edge nodes); the
 * module serves it on the edge channel's HTTPS listener.
 *
 *   const review = reviewEdgeTolerations(JSON.parse(body), (name) => edgeNodes.has(name));
 *   sendJson(res, 200, review);
 */
export {
  EDGE_ROLE_LABEL,
  EVICTION_TAINTS,
  foreverTolerations,
  reviewEdgeTolerations,
  targetsEdge,
  type AdmissionReview,
  type Toleration,
} from './edge-tolerations';
export { ADMISSION_PATH, admissionModule } from './module';
