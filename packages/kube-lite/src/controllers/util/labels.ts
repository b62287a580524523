// Label selectors as Deployments, ReplicaSets and DaemonSets carry them.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** An empty selector matches everything; a missing one matches nothing, as in Kubernetes. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
  for (const req of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const present = Object.hasOwn(have, req.key);
    const value = have[req.key];
    switch (req.operator) {
      case 'In':
        if (!present || !(Array.isArray(req.values) ? req.values : []).includes(value as string)) return false;
        break;
      case 'NotIn':
        if (present && (Array.isArray(req.values) ? req.values : []).includes(value as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when every label of `want` is set to the same value in `have`. */
export function labelsContain(
  have: Record<string, string> | undefined,
  want: Record<string, string> | undefined,
): boolean {
  for (const [key, value] of Object.entries(want ?? {})) if (have?.[key] !== value) return false;
  return true;
}
