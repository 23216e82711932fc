const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n points
 * (Liu et al. 2008, eq. 1), used both to normalise scores (c(ψ)) and to extend a path that ends in
 * a leaf still holding n > 1 training points. Same convention as scikit-learn: c(0)=c(1)=0, c(2)=1.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}
