/** golive's version, in reports, User-Agent headers and Kubernetes labels. One definition. */
export const VERSION = '0.1.0';
